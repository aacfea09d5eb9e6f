/**
 * Column projection at build time: a frame that records its source (a CSV read, a merge) can
 * produce only some of its columns more cheaply than producing all and dropping the rest.
 * A CSV read parses only those columns (skipped fields are never decoded or dictionary-
 * encoded); a merge projects both of its inputs. `select` / `col` go through here, so
 * `ddf.groupby('k').agg({ x: 'sum' })` reads only k and x, as Dask's query planner does.
 * Frames rebuilt from computed data (persist) have no source, so they keep using what is in
 * memory. Several projections of one read computed together share one read per block
 * (plan/share-reads.ts).
 */
import { select as selectKernel } from '../ops/select.js';
import { derive } from './blockwise.js';
import { mergeInputs, mergeWith } from './merge.js';
import { projectCsv } from './read-csv.js';
import type { FrameSpec, Source } from './spec.js';

/**
 * `f` restricted to `columns` (in that order) through its source, or undefined when it has
 * no cheaper way than selecting from the full frame (or `columns` drops nothing).
 */
export function project(f: FrameSpec<'frame'>, columns: readonly string[]): FrameSpec<'frame'> | undefined {
  if (f.source === undefined) return undefined;
  const wanted = new Set(columns);
  if (wanted.size !== columns.length || f.meta.names.every((n) => wanted.has(n))) return undefined;
  const out = fromSource(f.source, columns);
  if (out === undefined) return undefined;
  // The projected frame must hold the same schema for these columns.
  for (const c of columns) {
    if (!out.meta.has(c) || out.meta.col(c).dtype !== f.meta.col(c).dtype) return undefined;
  }
  if (out.meta.names.length === columns.length && out.meta.names.every((n, i) => n === columns[i])) return out;
  // Order and trim with a plain select.
  return derive('frame', 'getitem', selectKernel, [out, [...columns]]);
}

/** A frame holding at least `columns` built from the source, or undefined. */
function fromSource(src: Source, columns: readonly string[]): FrameSpec<'frame'> | undefined {
  if (src.kind === 'csv') return projectCsv(src.blocks, src.spec, columns);
  const inputs = mergeInputs(src.left.meta, src.right.meta, src.join, columns);
  if (inputs === undefined) return undefined;
  const side = (f: FrameSpec<'frame'>, names: readonly string[]) =>
    project(f, names) ?? (names.length === f.meta.names.length ? f : derive('frame', 'getitem', selectKernel, [f, [...names]]));
  return mergeWith(side(src.left, inputs.left), side(src.right, inputs.right), src.join, src.broadcast, src.npartitions);
}
