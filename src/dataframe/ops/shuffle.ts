/**
 * Partition-level pieces of a shuffle. Every row has a target output partition in
 * [0, nOut): the hash of its key columns mod nOut (equal keys, same target, in every
 * partition; strings hashed by value), or its value range for a sort. A split sends each row
 * to a piece by its target; in a staged shuffle (many partitions) a split looks at one digit
 * of the target in base `base` per stage, so rows reach their target in log_base(nOut) rounds
 * of base-way splits instead of one nOut-way split of every partition.
 */
import { kernel } from '../../core/kernels.js';
import { compactStrings, Frame, takeColumn } from '../frame.js';
import { concatFrames } from './concat.js';
import { partitionOf } from './hash.js';
import { groupRows } from './key-index.js';

/** Which piece each row goes to: digit `stage` of its target in base `base` (single stage: the target). */
export function routeRows(target: Int32Array, base: number, stage: number): Int32Array {
  if (stage === 0 && base >= maxOf(target) + 1) return target;
  const div = base ** stage;
  const out = new Int32Array(target.length);
  for (let i = 0; i < target.length; i++) out[i] = Math.floor(target[i] / div) % base;
  return out;
}

function maxOf(a: Int32Array): number {
  let m = -1;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

/** Rows of piece j (by `bucket`) to frame j, row order kept; dictionaries trimmed per piece. */
export function splitByBucket(f: Frame, bucket: Int32Array, nparts: number): Frame[] {
  if (nparts === 1) return [f];
  const { starts, rows } = groupRows(bucket, nparts);
  const out: Frame[] = [];
  for (let j = 0; j < nparts; j++) {
    const idx = rows.subarray(starts[j], starts[j + 1]);
    // Pieces travel separately: each keeps only the dictionary entries it uses.
    out.push(
      new Frame(
        f.names,
        f.columns.map((c) => compactStrings(takeColumn(c, idx))),
        idx.length,
        f.index && takeColumn(f.index, idx),
      ),
    );
  }
  return out;
}

/** Rows of `f` in pieces by key hash: `nOut` pieces, or `base` pieces by digit `stage` of the target. */
export function splitByKeys(f: Frame, by: readonly string[], nOut: number, base = nOut, stage = 0): Frame[] {
  if (base === 1) return [f];
  const target = partitionOf(
    by.map((b) => f.col(b)),
    f.length,
    nOut,
  );
  return splitByBucket(f, routeRows(target, base, stage), base);
}

export const hashSplit = kernel('dataframe.hash-split', splitByKeys);

/** Piece j of a split (its own task, so an output reads only the piece it needs). */
export const getPiece = kernel('dataframe.get-piece', (pieces: readonly unknown[], j: number): unknown => pieces[j]);

/** All pieces bound for one partition, in input order. */
export const concatPieces = kernel('dataframe.concat-pieces', (pieces: readonly Frame[]): Frame => concatFrames(pieces));
