/** Building DataFrames from danfo frames, from Delayed parts, and by concatenation. */
import { type GraphLayer, materialize, PartitionLayer } from '../../core/collection.js';
import { Delayed } from '../../core/delayed.js';
import { cull } from '../../core/optimize.js';
import { order } from '../../core/order.js';
import { DataNode, isThenable, KeyRef, runTask, Task } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import { type DanfoDataFrame, fromDanfo as frameFromDanfo, isDanfoFrame, isDanfoSeries } from '../danfo.js';
import { type DTypeName, Frame, normalizeDType } from '../frame.js';
import { alignTo, concatFrames } from '../ops/concat.js';
import { danfoToPart } from '../ops/danfo.js';
import { sliceRows } from '../ops/slice.js';
import { keysOf } from './partitions.js';
import { type FrameSpec, frameSpec, isFrameSpec } from './spec.js';

function frameToken(f: Frame): string {
  return tokenize(
    f.names,
    f.columns.map((c) => [c.dtype, c.data, c.dict ?? null]),
  );
}

/** A DataFrame over in-memory partitions (graph data nodes). */
export function fromFrames(parts: readonly Frame[], name = 'from-frames'): FrameSpec<'frame'> {
  if (parts.length === 0) throw new RangeError(`${name}: no partitions`);
  const prefix = `${name}-${tokenize(parts.map(frameToken))}`;
  const layer = new PartitionLayer(prefix, parts.length, (i) => new DataNode(parts[i]), []);
  return frameSpec('frame', prefix, parts.length, parts[0].empty(), layer);
}

/** Split a danfo.DataFrame into partitions of about equal size (default: 1 partition per 100k rows, at least 1). */
export function fromDanfo(df: DanfoDataFrame, opts: { npartitions?: number; chunksize?: number } = {}): FrameSpec<'frame'> {
  if (!isDanfoFrame(df) && !isDanfoSeries(df)) throw new TypeError('fromDanfo: expected a danfo.DataFrame');
  const whole = frameFromDanfo(df);
  const n = whole.length;
  let parts: number;
  if (opts.chunksize !== undefined) {
    if (!(opts.chunksize >= 1)) throw new RangeError(`fromDanfo: chunksize must be >= 1, got ${opts.chunksize}`);
    parts = Math.max(1, Math.ceil(n / opts.chunksize));
  } else parts = opts.npartitions ?? Math.max(1, Math.ceil(n / 100_000));
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`fromDanfo: npartitions must be a positive integer, got ${opts.npartitions}`);
  // Like Dask, never make empty partitions out of a small frame.
  parts = Math.max(1, Math.min(parts, n));
  const size = opts.chunksize ?? Math.ceil(n / parts);
  const pieces: Frame[] = [];
  for (let start = 0; start < n || pieces.length === 0; start += size) pieces.push(sliceRows(whole, start, Math.min(n, start + size)));
  return fromFrames(pieces, 'from-danfo');
}

/** Run a small graph to completion synchronously (only to learn a schema); null if a task is async. */
function runSync(layer: GraphLayer, key: string): unknown {
  const graph = cull(materialize([layer]), [key]);
  const results = new Map<string, unknown>();
  for (const k of order(graph, [key])) {
    const node = graph.get(k)!;
    const v = node instanceof Task ? runTask(node, (d) => results.get(d)) : node.value;
    if (isThenable(v)) return null;
    results.set(k, v);
  }
  return results.get(key);
}

/**
 * A DataFrame whose partitions are Delayed danfo frames. The schema comes from `meta` or, as
 * in Dask, from computing the first part (synchronously; pass `meta` when that part is async
 * or expensive).
 */
export function fromDelayed(
  parts: ReadonlyArray<Delayed<unknown>>,
  opts: { meta?: DanfoDataFrame | Readonly<Record<string, DTypeName>> } = {},
): FrameSpec<'frame'> {
  if (parts.length === 0) throw new RangeError('fromDelayed: no parts');
  for (const p of parts) if (!(p instanceof Delayed)) throw new TypeError('fromDelayed: every part must be a Delayed (from delayed(fn)(...))');
  let meta: Frame;
  if (opts.meta !== undefined) {
    meta = isDanfoFrame(opts.meta)
      ? frameFromDanfo(opts.meta).empty()
      : Frame.empty(Object.entries(opts.meta as Record<string, DTypeName>).map(([k, v]) => [k, normalizeDType(v, `meta ${k}`)] as const));
  } else {
    const first = runSync(parts[0], parts[0].key);
    if (first === null)
      throw new TypeError('fromDelayed: the first part computes asynchronously, so its schema cannot be read here; pass { meta: { column: dtype } }');
    meta = danfoToPart(first, 'fromDelayed').empty();
  }
  const prefix = `from-delayed-${tokenize(parts.map((p) => p.key))}`;
  const layer = new PartitionLayer(prefix, parts.length, (i) => new Task(danfoToPart, [new KeyRef(parts[i].key), 'fromDelayed']), parts);
  return frameSpec('frame', prefix, parts.length, meta, layer);
}

/** Stack frames vertically: the partitions of each, in order. Columns are unioned by name. */
export function concat(frames: readonly unknown[]): FrameSpec<'frame'> {
  if (frames.length === 0) throw new RangeError('concat: no frames');
  const specs: FrameSpec<'frame'>[] = [];
  for (const f of frames) {
    if (!isFrameSpec(f)) throw new TypeError('concat: every argument must be a tsdask DataFrame');
    specs.push(f);
  }
  return concatSpecs(specs);
}

function concatSpecs(frames: readonly FrameSpec<'frame'>[]): FrameSpec<'frame'> {
  if (frames.length === 1) return frames[0];
  const meta = concatFrames(frames.map((f) => f.meta));
  const refs: string[] = frames.flatMap((f) => keysOf(f));
  const prefix = `concat-${tokenize(frames.map((f) => f.prefix))}`;
  const sameSchema = frames.every(
    (f) => f.meta.names.length === meta.names.length && f.meta.names.every((n, i) => n === meta.names[i] && f.meta.columns[i].dtype === meta.columns[i].dtype),
  );
  // Parts with a different schema are aligned (missing columns filled, dtypes widened) by concatenating with the meta.
  const layer = new PartitionLayer(
    prefix,
    refs.length,
    (i) => new Task(alignTo, [new KeyRef(refs[i]), sameSchema ? null : meta]),
    frames.map((f) => f.layer),
  );
  return frameSpec('frame', prefix, refs.length, meta, layer);
}
