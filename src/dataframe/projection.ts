/**
 * Column projection pushed towards the data source. A collection that can produce only some
 * of its columns more cheaply than producing all and dropping the rest registers how here:
 * readCsv re-reads with `usecols` (parsing fewer columns is most of the saving: skipped
 * fields are never decoded or dictionary-encoded), a merge projects both of its inputs.
 * `select` / `col` consult it, so `ddf.groupby('k').agg({ x: 'sum' })` reads only k and x,
 * as Dask's query planner does. Collections rebuilt from computed data (persist) register
 * nothing, so they keep using what is in memory.
 */
import { DataFrame } from './dataframe.js';
import { blockwise, inferMeta } from './graph.js';
import { select } from './ops/select.js';

/** Returns a frame holding at least `columns` (extra ones are dropped here), or undefined. */
type Projector = (columns: readonly string[]) => DataFrame | undefined;

const projectors = new WeakMap<object, Projector>();

/** Declare how `df` can produce a subset of its columns; returns `df`. */
export function withProjection<T extends DataFrame>(df: T, project: Projector): T {
  projectors.set(df, project);
  return df;
}

/**
 * `df` restricted to `columns` (in that order) through its source, or undefined when it has
 * no cheaper way than selecting from the full frame (or `columns` drops nothing).
 */
export function projectColumns(df: DataFrame, columns: readonly string[]): DataFrame | undefined {
  const project = projectors.get(df);
  if (project === undefined) return undefined;
  const wanted = new Set(columns);
  if (wanted.size !== columns.length || df.meta.names.every((n) => wanted.has(n))) return undefined;
  const out = project(columns);
  if (out === undefined) return undefined;
  // The projected frame must hold the same schema for these columns.
  for (const c of columns) {
    if (!out.meta.has(c) || out.meta.col(c).dtype !== df.meta.col(c).dtype) return undefined;
  }
  if (out.meta.names.length === columns.length && out.meta.names.every((n, i) => n === columns[i])) return out;
  // Order and trim with a plain select (not `out.select`, which would project again).
  const b = blockwise('getitem', select, [out, [...columns]]);
  return new DataFrame(b.prefix, b.npartitions, inferMeta('getitem', select, [out, [...columns]]), b.layer);
}
