/** Errors a Client raises for remote failures, rebuilt from their wire form. */
import { annotateTaskError } from '../core/errors.js';
import type { WireError } from './protocol/index.js';

/** A task was running on workers that died too many times. */
export class KilledWorker extends Error {
  override name = 'KilledWorker';
  taskKey?: string;
}

/** The future was cancelled (by `cancel()`, another client, or `client.restart()`). */
export class CancelledError extends Error {
  override name = 'CancelledError';
  taskKey?: string;
}

/** Data the cluster cannot recompute is gone (scattered data on a dead worker, released futures). */
export class LostDataError extends Error {
  override name = 'LostDataError';
  taskKey?: string;
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Rebuild an error raised on a worker: same name and message, the remote stack, the task key. */
export function fromWireError(we: WireError, cause?: string): Error {
  let err: Error;
  if (we.kind === 'killed-worker') err = new KilledWorker(we.message);
  else if (we.kind === 'lost-data') err = new LostDataError(we.message);
  else if (we.kind === 'cancelled') err = new CancelledError(we.message);
  else {
    err = new Error(we.message);
    if (we.name) err.name = we.name;
  }
  if (we.stack) err.stack = `${we.stack}\n    (raised on a tsdask worker)`;
  const key = we.taskKey ?? cause;
  if (key === undefined) return err;
  if (err instanceof KilledWorker || err instanceof LostDataError || err instanceof CancelledError) {
    err.taskKey = key;
    return err;
  }
  return annotateTaskError(err, key);
}

/** The message of anything thrown (errors, and the odd string). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
