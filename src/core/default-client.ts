/**
 * The default Client and the order in which scheduler settings were made. Connected Clients
 * (with `setAsDefault`) stack up: the most recently connected open one is the default, and
 * closing it falls back to the one connected before it. Every `config.set` / `config.with`
 * value and every default Client carries a number from one counter, so the later setting
 * wins between a Client and config, as in Dask (where connecting a Client is a config set).
 */
import type { Scheduler } from './scheduler.js';

let counter = 0;

/** A fresh, strictly increasing number: when a setting was made relative to the others. */
export function nextSettingOrder(): number {
  return ++counter;
}

export interface DefaultClient {
  readonly scheduler: Scheduler;
  /** The setting order of its connection (see `nextSettingOrder`). */
  readonly since: number;
}

const open: DefaultClient[] = [];

/** Make `scheduler` (a connected Client) the default, ahead of every Client connected before. */
export function addDefaultClient(scheduler: Scheduler): void {
  removeDefaultClient(scheduler);
  open.push({ scheduler, since: nextSettingOrder() });
}

/** A closed Client stops being a default; the previous open one (if any) is the default again. */
export function removeDefaultClient(scheduler: Scheduler): void {
  const i = open.findIndex((c) => c.scheduler === scheduler);
  if (i >= 0) open.splice(i, 1);
}

/** The most recently connected open default Client, or undefined when none is connected. */
export function currentDefaultClient(): DefaultClient | undefined {
  return open[open.length - 1];
}
