/**
 * Configuration with Dask's precedence: per-call option > scoped `config.with` > global
 * `config.set` > environment / config file > built-in default. A connected Client (the default
 * one, core/default-client.ts) is a scheduler setting too, and the later setting wins: a
 * `config.set` or `config.with` made after the Client connected beats it, one made before
 * does not. Scopes follow async context (AsyncLocalStorage), so concurrent scopes never leak
 * into each other and are restored when their function settles.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { currentDefaultClient, nextSettingOrder } from './default-client.js';
import { describeSchedulerNames, isSchedulerName } from './scheduler-registry.js';

export interface ConfigValues {
  /** 'sync' | 'synchronous' | 'threads' | 'processes' | 'distributed' (the default Client), or a Client */
  scheduler?: string | { run: unknown; name: string };
  numWorkers?: number;
  /** Default for `delayed(fn, { pure })`. */
  'delayed.pure'?: boolean;
  [key: string]: unknown;
}

/** A value and when it was set (`nextSettingOrder`), so it can be weighed against a Client. */
interface Setting {
  readonly value: unknown;
  readonly order: number;
}
type Settings = Readonly<Record<string, Setting>>;

const scoped = new AsyncLocalStorage<Settings>();
let globalValues: Settings = {};
let fromEnv: ConfigValues | undefined;

function validate(values: ConfigValues, where: string): ConfigValues {
  const out: ConfigValues = { ...values };
  if (out.scheduler !== undefined) {
    const isObject = typeof out.scheduler === 'object' && out.scheduler !== null && typeof out.scheduler.run === 'function';
    if (!isObject && (typeof out.scheduler !== 'string' || !isSchedulerName(out.scheduler))) {
      throw new TypeError(`${where}: unknown scheduler ${JSON.stringify(out.scheduler)}; use one of ${describeSchedulerNames()} (or pass a Client)`);
    }
  }
  if (out.numWorkers !== undefined) {
    const n = Number(out.numWorkers);
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`${where}: numWorkers must be a positive integer, got ${JSON.stringify(out.numWorkers)}`);
    out.numWorkers = n;
  }
  return out;
}

/** `values` stamped with one fresh setting order. */
function stamp(values: ConfigValues): Record<string, Setting> {
  const order = nextSettingOrder();
  const out: Record<string, Setting> = {};
  for (const k of Object.keys(values)) out[k] = { value: values[k], order };
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

function pick(key: string): unknown {
  const inScope = present(scoped.getStore()?.[key]);
  let global = present(globalValues[key]);
  let fromClient = false;
  if (key === 'scheduler') {
    // A Client connected after the last config.set of the scheduler replaces it (and the reverse).
    const client = currentDefaultClient();
    if (client !== undefined && (global === undefined || client.since > global.order)) {
      global = { value: client.scheduler, order: client.since };
      fromClient = true;
    }
  }
  // A scope beats config.set always, and a Client only when the scope was entered after it connected.
  if (inScope !== undefined && (global === undefined || !fromClient || inScope.order > global.order)) return inScope.value;
  if (global !== undefined) return global.value;
  return loadEnv()[key];
}

function present(s: Setting | undefined): Setting | undefined {
  return s === undefined || s.value === undefined ? undefined : s;
}

export const config = {
  /** Set values globally. Returns a function that restores the previous values. */
  set(values: ConfigValues): () => void {
    const checked = validate(values, 'config.set');
    const before = globalValues;
    globalValues = { ...globalValues, ...stamp(checked) };
    return () => {
      globalValues = before;
    };
  },
  /** Run `fn` with `values` in force for it (and everything it awaits); restored after. */
  with<T>(values: ConfigValues, fn: () => T): T {
    const checked = validate(values, 'config.with');
    return scoped.run({ ...scoped.getStore(), ...stamp(checked) }, fn);
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
