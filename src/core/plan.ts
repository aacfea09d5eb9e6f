/**
 * The one planner: every way of running collections (compute, persist, a Client's
 * compute/persist) turns them into a graph here, so the same request sends the same graph
 * whichever scheduler runs it.
 */
import { COLLECTION, type Collection, type CollectionImpl, flattenKeys, type GraphRewrite, isCollection, materialize } from './collection.js';
import type { Graph } from './graph.js';
import { isPlainObject } from './graph.js';
import { cull, fuse } from './optimize.js';

export interface Plan {
  /** Every collection found in the request, each once, in first-seen order. */
  readonly collections: readonly Collection[];
  readonly impls: readonly CollectionImpl<unknown>[];
  /** Culled (and, unless disabled, fused) graph of everything the collections need. */
  readonly graph: Graph;
  /** The output keys of all collections, each once. */
  readonly keys: readonly string[];
}

/** Every collection inside nested arguments (arrays, plain objects), each once, in first-seen order. */
export function collectionsIn(items: readonly unknown[]): Collection[] {
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

/** Merge the collections' layers into one graph, cull it to their keys and fuse linear chains. */
export function planCollections(collections: readonly Collection[], opts: { optimize?: boolean } = {}): Plan {
  const impls = collections.map((c) => c[COLLECTION]);
  const raw = materialize(impls.map((i) => i.layer()));
  const keys = [...new Set(impls.flatMap((i) => flattenKeys(i.keys())))];
  const rewrites = new Set<GraphRewrite>();
  for (const i of impls) if (i.optimize !== undefined) rewrites.add(i.optimize);
  return { collections, impls, graph: planGraph(raw, keys, opts, [...rewrites]), keys };
}

/** Cull a raw graph to `keys` and (unless `optimize: false`) apply the collections' rewrites and fuse it. */
export function planGraph(graph: Graph, keys: readonly string[], opts: { optimize?: boolean } = {}, rewrites: readonly GraphRewrite[] = []): Graph {
  let out = cull(graph, keys);
  if (opts.optimize === false) return out;
  for (const rewrite of rewrites) out = rewrite(out, keys);
  return fuse(out, keys);
}
