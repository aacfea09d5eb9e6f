/**
 * compute / persist / visualize over any mix of collections nested in arrays and plain
 * objects. All collections go into ONE graph, so shared inputs run once.
 */
import { writeFile } from 'node:fs/promises';
import { COLLECTION, type Collection, type CollectionImpl, isCollection, mapKeyTree } from './collection.js';
import { config } from './config.js';
import type { Graph } from './graph.js';
import { isPlainObject } from './graph.js';
import { COMPUTE_OPTION_KEYS, type ComputeOptions, type VisualizeOptions } from './options.js';
import { collectionsIn, type Plan, planCollections, planGraph } from './plan.js';
import type { Callbacks, RunOptions, Scheduler } from './scheduler.js';
import { getScheduler } from './scheduler-registry.js';
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

function chooseScheduler(opts: ComputeOptions, impls: readonly CollectionImpl<unknown>[]): Scheduler {
  const choice = opts.scheduler ?? config.get<ComputeOptions['scheduler']>('scheduler') ?? impls[0]?.defaultScheduler ?? 'threads';
  return typeof choice === 'string' ? getScheduler(choice) : choice;
}

function runOptions(opts: ComputeOptions): RunOptions {
  const numWorkers = opts.numWorkers ?? config.get<number | undefined>('numWorkers');
  const callbacks: Callbacks[] = [...globalCallbacks, ...(opts.callbacks ?? [])];
  return { callbacks, numWorkers };
}

async function run(p: Plan, opts: ComputeOptions): Promise<Map<string, unknown>> {
  const scheduler = chooseScheduler(opts, p.impls);
  const values = await scheduler.run(p.graph, p.keys, runOptions(opts));
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
  const p = planCollections(collectionsIn(items), { optimize: opts.optimize });
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
  const collections = collectionsIn(items);
  if (collections.length === 0) return items as A;
  // The scheduler plans with core/plan.ts and decides where the data stays (here or on workers).
  const scheduler = chooseScheduler(
    opts,
    collections.map((c) => c[COLLECTION]),
  );
  const persisted = await scheduler.persist(collections, { ...runOptions(opts), optimize: opts.optimize });
  const m = new Map(collections.map((c, i) => [c, persisted[i]]));
  return items.map((x) => replaceIn(x, (c) => m.get(c))) as A;
}

function isVisualizeOptions(x: unknown): boolean {
  const keys = new Set(['filename', 'format', 'rankdir', 'optimize']);
  return isPlainObject(x) && Object.keys(x).every((k) => keys.has(k));
}

/** Draw the collections' graph in one picture: SVG text (or DOT); written to `filename` if given. */
export async function visualize(...args: unknown[]): Promise<string> {
  const { items, opts } = splitOptions<VisualizeOptions>(args, isVisualizeOptions);
  const collections = collectionsIn(items);
  const p = planCollections(collections, { optimize: opts.optimize === true });
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
export async function get(
  graph: Graph | Record<string, Graph extends Map<string, infer N> ? N : never>,
  keys: readonly string[],
  opts: ComputeOptions = {},
): Promise<unknown[]> {
  const g: Graph = graph instanceof Map ? graph : new Map(Object.entries(graph));
  const p: Plan = { collections: [], impls: [], graph: opts.optimize === false ? g : planGraph(g, keys), keys: [...keys] };
  const byKey = await run(p, opts);
  return keys.map((k) => byKey.get(k));
}
