/**
 * The fractions of a worker's memory limit at which it acts, as Dask's
 * `distributed.worker.memory.{target,spill,pause,terminate}`: from options, from config keys of
 * those names, else Dask's defaults. `false` turns one off.
 */
import { config } from '../core/config.js';
import { isRecord } from './protocol/check.js';

export interface MemoryThresholds {
  /** Managed bytes (results held) above this: least-recently-used results spill to disk. */
  target: number | false;
  /** Process memory (RSS) above this: results spill until it falls back towards the target. */
  spill: number | false;
  /** Process memory above this: the worker starts no new task until it falls back below. */
  pause: number | false;
  /** Process memory above this: the nanny kills and restarts the worker. */
  terminate: number | false;
}

export type Threshold = keyof MemoryThresholds;

export const THRESHOLD_NAMES: readonly Threshold[] = ['target', 'spill', 'pause', 'terminate'];

export const DEFAULT_THRESHOLDS: Readonly<MemoryThresholds> = { target: 0.6, spill: 0.7, pause: 0.8, terminate: 0.95 };

/** The config key of a threshold (Dask's name). */
export function thresholdKey(name: Threshold): string {
  return `distributed.worker.memory.${name}`;
}

/** A fraction in (0, 1], or false; anything else is an error naming where it came from and the fix. */
export function checkThreshold(value: unknown, name: Threshold, where: string): number | false {
  if (value === false) return false;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1) return value;
  throw new TypeError(
    `${where}: memory threshold '${name}' must be a fraction of the memory limit in (0, 1] or false (off), got ${JSON.stringify(value) ?? String(value)}`,
  );
}

/** Text from a command line: a fraction, a percentage ('80%') or 'false'/'off'. */
export function parseThreshold(text: string, name: Threshold, where: string): number | false {
  const t = text.trim().toLowerCase();
  if (t === 'false' || t === 'off' || t === 'no') return false;
  const pct = t.endsWith('%');
  const n = Number(pct ? t.slice(0, -1) : t);
  return checkThreshold(pct ? n / 100 : n, name, where);
}

/** A threshold from config: the dotted key, or the same path in a nested object (YAML config files). */
function fromConfig(name: Threshold): unknown {
  const flat = config.get<unknown>(thresholdKey(name));
  if (flat !== undefined) return flat;
  let node: unknown = config.get<unknown>('distributed');
  for (const part of ['worker', 'memory', name]) {
    if (!isRecord(node)) return undefined;
    node = node[part];
  }
  return node;
}

/**
 * Every threshold, from `given` (per option), else config, else the default; checked, so a bad
 * one fails where the cluster or worker starts, not later in a worker process.
 */
export function resolveThresholds(given: Partial<Record<Threshold, unknown>> | undefined, where: string): MemoryThresholds {
  const out: MemoryThresholds = { ...DEFAULT_THRESHOLDS };
  for (const name of THRESHOLD_NAMES) {
    const g = given?.[name];
    if (g !== undefined) out[name] = checkThreshold(g, name, where);
    else {
      const c = fromConfig(name);
      if (c !== undefined) out[name] = checkThreshold(c, name, `config '${thresholdKey(name)}'`);
    }
  }
  return out;
}

/** '80%' or 'off', for messages. */
export function formatFraction(f: number | false): string {
  return f === false ? 'off' : `${Math.round(f * 100)}%`;
}
