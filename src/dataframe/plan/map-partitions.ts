/** mapPartitions: a user function over every partition as a danfo.DataFrame. */
import { PartitionLayer, partKey } from '../../core/collection.js';
import { KeyRef, Task, type TaskFn } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import { type DanfoDataFrame, fromDanfo, toDanfo } from '../danfo.js';
import { type Cell, type DType, type DTypeName, Frame, normalizeDType } from '../frame.js';
import { danfoToPart, partToDanfo } from '../ops/danfo.js';
import { type FrameSpec, frameSpec } from './spec.js';

/** What `meta` may be: a danfo frame, a partition, or `{ column: dtype }`. */
export type MetaLike = DanfoDataFrame | Frame | Readonly<Record<string, DTypeName>>;

/**
 * `fn` on every partition as a danfo.DataFrame; it returns a danfo DataFrame or Series. The
 * output schema comes from `meta` or, if absent, from running `fn` on a two-row stand-in frame.
 */
export function mapPartitions(f: FrameSpec<'frame'>, fn: (part: DanfoDataFrame) => unknown, meta?: MetaLike): FrameSpec<'frame'> {
  const out = mapPartitionsMeta(f.meta, fn, meta);
  const token = tokenize(f.prefix, fn);
  const name = fn.name || 'lambda';
  const toD = `to-danfo-${token}`;
  const user = `${name}-${token}`;
  const prefix = `map-partitions-${token}`;
  const where = `mapPartitions(${name})`;
  // Three small tasks per partition; fusion makes them one, so danfo objects never travel.
  const l1 = new PartitionLayer(toD, f.npartitions, (i) => new Task(partToDanfo, [new KeyRef(partKey(f.prefix, i))]), [f.layer]);
  const l2 = new PartitionLayer(user, f.npartitions, (i) => new Task(fn as TaskFn, [new KeyRef(partKey(toD, i))]), [l1]);
  const l3 = new PartitionLayer(prefix, f.npartitions, (i) => new Task(danfoToPart, [new KeyRef(partKey(user, i)), where, out]), [l2]);
  return frameSpec('frame', prefix, f.npartitions, out, l3);
}

/** A two-row stand-in partition with values of each dtype, for inferring mapPartitions' output. */
function standIn(meta: Frame): Frame {
  const cols: Record<string, Cell[]> = {};
  const dtypes: Record<string, DType> = {};
  meta.names.forEach((n, i) => {
    const t = meta.columns[i].dtype;
    dtypes[n] = t;
    cols[n] = t === 'string' ? ['a', 'b'] : t === 'bool' ? [true, false] : t === 'datetime' ? [new Date(0), new Date(86400000)] : [1, 2];
  });
  return Frame.fromColumns(cols, dtypes);
}

function mapPartitionsMeta(meta: Frame, fn: (part: DanfoDataFrame) => unknown, given: MetaLike | undefined): Frame {
  if (given !== undefined) {
    if (given instanceof Frame) return given.empty();
    if (typeof (given as DanfoDataFrame).columns !== 'undefined' && typeof (given as DanfoDataFrame).shape !== 'undefined')
      return fromDanfo(given as DanfoDataFrame).empty();
    return Frame.empty(Object.entries(given as Record<string, DTypeName>).map(([k, v]) => [k, normalizeDType(v, `meta ${k}`)] as const));
  }
  try {
    const out = danfoToPart(fn(toDanfo(standIn(meta))), 'mapPartitions');
    return out.empty();
  } catch (e) {
    throw new TypeError(
      `mapPartitions: could not infer the output schema by running ${fn.name || 'the function'} on a two-row stand-in frame (${(e as Error).message}); pass { meta: { column: dtype, ... } }`,
      { cause: e },
    );
  }
}
