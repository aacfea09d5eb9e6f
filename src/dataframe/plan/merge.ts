/**
 * Merge (pandas/Dask `merge`). Three plans:
 *
 *  - both sides one partition: one join task;
 *  - broadcast: the small side (few partitions) is concatenated once and joined against every
 *    partition of the big side. Allowed when the small side's unmatched rows are not kept
 *    (inner either way, left with the right side small, right with the left side small);
 *  - hash join: both sides shuffled by key hash into the same number of partitions, then
 *    partition j of the left joined with partition j of the right.
 *
 * Keys match by value: strings by their text, numbers by value whether stored as int64,
 * int32 or float64. The result records its inputs as its source, so selecting columns of it
 * selects them (and the keys) from both inputs first (plan/project.ts).
 */
import { PartitionLayer, partKey, StaticLayer } from '../../core/collection.js';
import { KeyRef, Task } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import type { Frame } from '../frame.js';
import { type How, hashJoin, joinColumns, type JoinSpec, merge as mergeKernel, mergeBroadcast } from '../ops/merge.js';
import { concatPieces } from '../ops/shuffle.js';
import { keysOf } from './partitions.js';
import { hashShuffle } from './shuffle.js';
import { type FrameSpec, frameSpec, isFrameSpec } from './spec.js';

export type { How };

export interface MergeOptions {
  on?: string | readonly string[];
  leftOn?: string | readonly string[];
  rightOn?: string | readonly string[];
  how?: How;
  suffixes?: readonly [string, string];
  /** true: broadcast the smaller side; false: always hash-shuffle both; default: decide by partition counts. */
  broadcast?: boolean;
  /** Output partitions of a hash join (default: the larger side's count). */
  npartitions?: number;
}

const HOWS: readonly How[] = ['inner', 'left', 'right', 'outer'];

function list(x: string | readonly string[] | undefined): string[] | undefined {
  return x === undefined ? undefined : typeof x === 'string' ? [x] : [...x];
}

/** Resolve on / leftOn / rightOn like pandas (default: the columns both sides share). */
export function joinSpec(left: Frame, right: Frame, opts: MergeOptions): JoinSpec {
  const how = opts.how ?? 'inner';
  if (!HOWS.includes(how)) throw new TypeError(`merge: how must be one of ${HOWS.join(', ')}, got '${how}'`);
  let leftOn = list(opts.leftOn);
  let rightOn = list(opts.rightOn);
  const on = list(opts.on);
  if (on !== undefined) {
    if (leftOn !== undefined || rightOn !== undefined) throw new TypeError('merge: give either on, or leftOn and rightOn, not both');
    leftOn = on;
    rightOn = on;
  } else if (leftOn === undefined && rightOn === undefined) {
    const shared = left.names.filter((n) => right.has(n));
    if (shared.length === 0) throw new TypeError('merge: the frames share no column names; say which to join on with on, or leftOn and rightOn');
    leftOn = shared;
    rightOn = shared;
  } else if (leftOn === undefined || rightOn === undefined) {
    throw new TypeError('merge: leftOn and rightOn go together');
  }
  if (leftOn.length !== rightOn.length) throw new TypeError(`merge: leftOn has ${leftOn.length} columns and rightOn ${rightOn.length}; they must pair up`);
  for (const c of leftOn) if (!left.has(c)) throw new TypeError(`merge: left frame has no column '${c}' (columns: ${left.names.join(', ')})`);
  for (const c of rightOn) if (!right.has(c)) throw new TypeError(`merge: right frame has no column '${c}' (columns: ${right.names.join(', ')})`);
  return { how, leftOn, rightOn, suffixes: opts.suffixes ?? ['_x', '_y'] };
}

/** Whether the given side may be broadcast for this join type. */
function canBroadcast(side: 'left' | 'right', how: How): boolean {
  if (how === 'inner') return true;
  if (how === 'left') return side === 'right';
  if (how === 'right') return side === 'left';
  return false;
}

function chooseBroadcast(left: FrameSpec, right: FrameSpec, how: How, want: boolean | null): 'left' | 'right' | null {
  if (want === false) return null;
  const candidates = (['right', 'left'] as const).filter((s) => canBroadcast(s, how));
  if (candidates.length === 0) {
    if (want === true) throw new TypeError(`merge: an ${how} join keeps unmatched rows of both sides, so neither side can be broadcast; drop broadcast: true`);
    return null;
  }
  const size = (s: 'left' | 'right') => (s === 'left' ? left.npartitions : right.npartitions);
  const small = candidates.reduce((a, b) => (size(b) < size(a) ? b : a));
  if (want === true) return small;
  const big = small === 'left' ? right.npartitions : left.npartitions;
  // One small partition, or a few against many: shipping it beats moving both sides.
  return size(small) === 1 || (size(small) <= 4 && size(small) * 8 <= big) ? small : null;
}

export function merge(left: unknown, right: unknown, opts: MergeOptions = {}): FrameSpec<'frame'> {
  if (!isFrameSpec(left) || !isFrameSpec(right)) throw new TypeError('merge: left and right must be tsdask DataFrames');
  return mergeWith(left, right, joinSpec(left.meta, right.meta, opts), opts.broadcast ?? null, opts.npartitions ?? null);
}

/** The merge of two frames with a resolved join. */
export function mergeWith(
  left: FrameSpec<'frame'>,
  right: FrameSpec<'frame'>,
  spec: JoinSpec,
  broadcast: boolean | null,
  npartitions: number | null,
): FrameSpec<'frame'> {
  const meta = hashJoin(left.meta.empty(), right.meta.empty(), spec);
  const token = tokenize(left.prefix, right.prefix, spec, broadcast, npartitions);
  const prefix = `merge-${token}`;
  const source = { kind: 'merge', left, right, join: spec, broadcast, npartitions } as const;

  if (left.npartitions === 1 && right.npartitions === 1) {
    const layer = new PartitionLayer(
      prefix,
      1,
      () => new Task(mergeKernel, [new KeyRef(partKey(left.prefix, 0)), new KeyRef(partKey(right.prefix, 0)), spec]),
      [left.layer, right.layer],
    );
    return frameSpec('frame', prefix, 1, meta, layer, source);
  }

  const small = chooseBroadcast(left, right, spec.how, broadcast);
  if (small !== null) {
    const [s, b] = small === 'left' ? [left, right] : [right, left];
    const whole = `merge-broadcast-side-${token}`;
    const gather = new StaticLayer(whole, [[whole, new Task(concatPieces, [keysOf(s).map((k) => new KeyRef(k))])]], [s.layer]);
    const layer = new PartitionLayer(
      prefix,
      b.npartitions,
      (i) => new Task(mergeBroadcast, [new KeyRef(partKey(b.prefix, i)), new KeyRef(whole), spec, small === 'right']),
      [b.layer, gather],
    );
    return frameSpec('frame', prefix, b.npartitions, meta, layer, source);
  }

  const n = npartitions ?? Math.max(left.npartitions, right.npartitions);
  const l = hashShuffle(left, spec.leftOn, n, 'merge-shuffle-left');
  const r = hashShuffle(right, spec.rightOn, n, 'merge-shuffle-right');
  const layer = new PartitionLayer(prefix, n, (j) => new Task(mergeKernel, [new KeyRef(partKey(l.prefix, j)), new KeyRef(partKey(r.prefix, j)), spec]), [
    l.layer,
    r.layer,
  ]);
  return frameSpec('frame', prefix, n, meta, layer, source);
}

/**
 * The input columns a merge needs to produce output `columns` (keys, and both halves of a
 * suffixed pair so the kept names stay the same), or undefined when one is not an input column.
 */
export function mergeInputs(left: Frame, right: Frame, spec: JoinSpec, columns: readonly string[]): { left: string[]; right: string[] } | undefined {
  const { names, sources } = joinColumns(left.names, right.names, spec);
  const l = new Set(spec.leftOn);
  const r = new Set(spec.rightOn);
  for (const c of columns) {
    const s = sources[names.indexOf(c)];
    if (s === undefined) return undefined;
    if (s.side === 'left') l.add(s.name);
    if (s.side === 'right') r.add(s.name);
  }
  for (const n of [...l]) if (right.has(n)) r.add(n);
  for (const n of [...r]) if (left.has(n)) l.add(n);
  return { left: left.names.filter((n) => l.has(n)), right: right.names.filter((n) => r.has(n)) };
}
