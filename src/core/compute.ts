/**
 * compute / persist / visualize over any mix of collections nested in arrays and plain
 * objects. All collections go into ONE graph, so shared inputs run once.
 */
import { writeFile } from 'node:fs/promises';
import { COLLECTION, type Collection, type CollectionImpl, flattenKeys, isCollection, mapKeyTree, materialize } from './collection.js';
import { config } from './config.js';
import type { Graph } from './graph.js';
import { isPlainObject } from './graph.js';
import { cull, fuse } from './optimize.js';
import { COMPUTE_OPTION_KEYS, type ComputeOptions, type VisualizeOptions } from './options.js';
import { getScheduler } from '../schedulers/registry.js';
import type { Callbacks, Scheduler } from '../schedulers/scheduler.js';
import { renderGraph } from './visualize.js';

/** Callbacks registered globally (e.g. `new ProgressBar().register()`). */
export const globalCallbacks = new Set<Callbacks>();

/** The computed value of T: collections replaced by their results, structure kept. */
export type Computed<T> =
  T extends Collection<infer R>
    ? R
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Computed<T[K]> }
      : T extends (...a: never[]) => unknown
        ? T
        : T extends object
          ? { -readonly [K in keyof T]: Computed<T[K]> }
          : T;

function isOptions(x: unknown): x is ComputeOptions {
  if (!isPlainObject(x)) return false;
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((k) => COMPUTE_OPTION_KEYS.has(k));
}

function splitOptions<O>(args: unknown[], isOpts: (x: unknown) => boolean): { items: unknown[]; opts: O } {
  if (args.length > 0 && isOpts(args[args.length - 1])) return { items: args.slice(0, -1), opts: args[args.length - 1] as O };
  return { items: args, opts: {} as O };
}

/** Every collection inside nested arguments, each once, in first-seen order. */
function collect(items: readonly unknown[]): Collection[] {
  const found: Collection[] = [];
  const seen = new Set<unknown>();
  const visit = (x: unknown): void => {
    if (isCollection(x)) {
      if (!seen.has(x)) {
        seen.add(x);
        found.push(x);
      }
    } else if (Array.isArray(x)) for (const i of x) visit(i);
    else if (isPlainObject(x)) for (const k in x) visit(x[k]);
  };
  for (const i of items) visit(i);
  return found;
}

/** Rebuild nested arguments with each collection replaced by `replace(collection)`. */
function replaceIn(x: unknown, replace: (c: Collection) => unknown): unknown {
  if (isCollection(x)) return replace(x);
  if (Array.isArray(x)) return x.map((i) => replaceIn(i, replace));
  if (isPlainObject(x)) {
    const out: Record<string, unknown> = {};
    for (const k in x) out[k] = replaceIn(x[k], replace);
    return out;
  }
  return x;
}

function chooseScheduler(opts: ComputeOptions, impls: CollectionImpl<unknown>[]): Scheduler {
  const choice = opts.scheduler ?? config.get<ComputeOptions['scheduler']>('scheduler') ?? impls[0]?.defaultScheduler ?? 'threads';
  return typeof choice === 'string' ? getScheduler(choice) : choice;
}

interface Plan {
  collections: Collection[];
  impls: CollectionImpl<unknown>[];
  graph: Graph;
  keys: string[];
}

function plan(items: readonly unknown[], optimize: boolean): Plan {
  const collections = collect(items);
  const impls = collections.map((c) => c[COLLECTION]);
  const raw = materialize(impls.map((i) => i.layer()));
  const keys = [...new Set(impls.flatMap((i) => flattenKeys(i.keys())))];
  const culled = cull(raw, keys);
  return { collections, impls, graph: optimize ? fuse(culled, keys) : culled, keys };
}

async function run(p: Plan, opts: ComputeOptions): Promise<Map<string, unknown>> {
  const scheduler = chooseScheduler(opts, p.impls);
  const numWorkers = opts.numWorkers ?? config.get<number | undefined>('numWorkers');
  const callbacks = [...globalCallbacks, ...(opts.callbacks ?? [])];
  const values = await scheduler.run(p.graph, p.keys, { callbacks, numWorkers });
  const byKey = new Map<string, unknown>();
  p.keys.forEach((k, i) => byKey.set(k, values[i]));
  return byKey;
}

/**
 * Compute several collections at once. Always resolves to an array with one entry per
 * argument; a trailing plain object of ComputeOptions keys is read as options.
 */
export async function compute<A extends unknown[]>(...args: A): Promise<Computed<A>> {
  const { items, opts } = splitOptions<ComputeOptions>(args, isOptions);
  const p = plan(items, opts.optimize !== false);
  if (p.collections.length === 0) return items as Computed<A>;
  const byKey = await run(p, opts);
  const finals = new Map<Collection, unknown>();
  for (let i = 0; i < p.collections.length; i++) {
    const impl = p.impls[i];
    finals.set(p.collections[i], await impl.finalize(mapKeyTree(impl.keys(), (k) => byKey.get(k))));
  }
  return items.map((x) => replaceIn(x, (c) => finals.get(c))) as Computed<A>;
}

/** Compute and keep results: each collection comes back backed by its computed data. */
export async function persist<A extends unknown[]>(...args: A): Promise<A> {
  const { items, opts } = splitOptions<ComputeOptions>(args, isOptions);
  const p = plan(items, opts.optimize !== false);
  if (p.collections.length === 0) return items as A;
  const scheduler = chooseScheduler(opts, p.impls) as Scheduler & { persist?: (c: Collection[], o: ComputeOptions) => Promise<Collection[]> };
  if (typeof scheduler.persist === 'function') {
    // A distributed client keeps data on its workers and returns future-backed collections.
    const persisted = await scheduler.persist(p.collections, opts);
    const m = new Map(p.collections.map((c, i) => [c, persisted[i]]));
    return items.map((x) => replaceIn(x, (c) => m.get(c))) as A;
  }
  const byKey = await run(p, opts);
  return items.map((x) => replaceIn(x, (c) => c[COLLECTION].rebuild(byKey))) as A;
}

function isVisualizeOptions(x: unknown): boolean {
  const keys = new Set(['filename', 'format', 'rankdir', 'optimize']);
  return isPlainObject(x) && Object.keys(x).every((k) => keys.has(k));
}

/** Draw the collections' graph in one picture: SVG text (or DOT); written to `filename` if given. */
export async function visualize(...args: unknown[]): Promise<string> {
  const { items, opts } = splitOptions<VisualizeOptions>(args, isVisualizeOptions);
  const p = plan(items, opts.optimize === true);
  const format = opts.format ?? formatFromFilename(opts.filename) ?? 'svg';
  const { text, bytes } = await renderGraph(p.graph, { format, rankdir: opts.rankdir ?? 'BT', outputs: p.keys });
  if (opts.filename !== undefined) await writeFile(opts.filename, bytes ?? text);
  return text;
}

function formatFromFilename(f: string | undefined): VisualizeOptions['format'] | undefined {
  if (f === undefined) return undefined;
  const ext = f.slice(f.lastIndexOf('.') + 1).toLowerCase();
  return ext === 'png' || ext === 'dot' || ext === 'svg' ? ext : undefined;
}

/**
 * Run a raw graph (Dask's `get`): `graph` maps keys to Tasks or DataNodes; resolves to the
 * values of `keys` in order. Cycles and references to missing keys are clear GraphErrors.
 */
export async function get(graph: Graph | Record<string, Graph extends Map<string, infer N> ? N : never>, keys: readonly string[], opts: ComputeOptions = {}): Promise<unknown[]> {
  const g: Graph = graph instanceof Map ? graph : new Map(Object.entries(graph));
  const p: Plan = { collections: [], impls: [], graph: opts.optimize === false ? g : fuse(cull(g, keys), keys), keys: [...keys] };
  const byKey = await run(p, opts);
  return keys.map((k) => byKey.get(k));
}
