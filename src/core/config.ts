/**
 * Configuration with Dask's precedence: per-call option > scoped `config.with` > global
 * `config.set` > connected Client > environment / config file > built-in default.
 * Scopes follow async context (AsyncLocalStorage), so concurrent scopes never leak into
 * each other and are restored when their function settles.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface ConfigValues {
  /** 'sync' | 'synchronous' | 'threads' | 'processes' | 'distributed', or a Client */
  scheduler?: string | { run: unknown; name: string };
  numWorkers?: number;
  /** Default for `delayed(fn, { pure })`. */
  'delayed.pure'?: boolean;
  [key: string]: unknown;
}

const SCHEDULERS = ['sync', 'synchronous', 'threads', 'processes', 'distributed'];

const scoped = new AsyncLocalStorage<ConfigValues>();
let globalValues: ConfigValues = {};
let clientDefault: ConfigValues = {};
let fromEnv: ConfigValues | undefined;

function validate(values: ConfigValues, where: string): ConfigValues {
  const out: ConfigValues = { ...values };
  if (out.scheduler !== undefined) {
    const isObject = typeof out.scheduler === 'object' && out.scheduler !== null && typeof out.scheduler.run === 'function';
    if (!isObject && (typeof out.scheduler !== 'string' || !SCHEDULERS.includes(out.scheduler))) {
      throw new TypeError(`${where}: unknown scheduler ${JSON.stringify(out.scheduler)}; use one of ${SCHEDULERS.join(', ')} (or pass a Client)`);
    }
  }
  if (out.numWorkers !== undefined) {
    const n = Number(out.numWorkers);
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`${where}: numWorkers must be a positive integer, got ${JSON.stringify(out.numWorkers)}`);
    out.numWorkers = n;
  }
  return out;
}

function loadEnv(): ConfigValues {
  if (fromEnv !== undefined) return fromEnv;
  let values: ConfigValues = {};
  const file = process.env.TSDASK_CONFIG;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`TSDASK_CONFIG=${file}: cannot read the config file (${(e as Error).message})`, { cause: e });
    }
    let parsed: unknown;
    try {
      parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      throw new Error(`TSDASK_CONFIG=${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`, { cause: e });
    }
    if (parsed !== null && typeof parsed === 'object') values = validate(parsed as ConfigValues, `config file ${file}`);
  }
  const env: ConfigValues = {};
  if (process.env.TSDASK_SCHEDULER) env.scheduler = process.env.TSDASK_SCHEDULER;
  if (process.env.TSDASK_NUM_WORKERS) env.numWorkers = Number(process.env.TSDASK_NUM_WORKERS);
  fromEnv = { ...values, ...validate(env, 'environment (TSDASK_SCHEDULER / TSDASK_NUM_WORKERS)') };
  return fromEnv;
}

function pick<K extends string>(key: K): unknown {
  const s = scoped.getStore();
  if (s !== undefined && s[key] !== undefined) return s[key];
  if (globalValues[key] !== undefined) return globalValues[key];
  if (clientDefault[key] !== undefined) return clientDefault[key];
  return loadEnv()[key];
}

export const config = {
  /** Set values globally. Returns a function that restores the previous values. */
  set(values: ConfigValues): () => void {
    const checked = validate(values, 'config.set');
    const before = globalValues;
    globalValues = { ...globalValues, ...checked };
    return () => {
      globalValues = before;
    };
  },
  /** Run `fn` with `values` in force for it (and everything it awaits); restored after. */
  with<T>(values: ConfigValues, fn: () => T): T {
    const checked = validate(values, 'config.with');
    return scoped.run({ ...scoped.getStore(), ...checked }, fn);
  },
  get<T = unknown>(key: string, fallback?: T): T {
    const v = pick(key);
    return (v === undefined ? fallback : v) as T;
  },
  /** Forget global values and re-read the environment (for tests and long REPL sessions). */
  reset(): void {
    globalValues = {};
    fromEnv = undefined;
  },
};

/** Used by Client: a connected client becomes the default scheduler until it closes. */
export function setClientDefault(values: ConfigValues): void {
  clientDefault = values;
}
