/**
 * Partition-level pieces of a hash shuffle: split a frame into n frames by the hash of key
 * columns (equal keys land in the same piece in every partition, strings hashed by value),
 * pick piece j of a split, and concatenate the pieces an output partition receives.
 */
import { kernel } from '../../core/kernels.js';
import { Frame, takeColumn } from '../frame.js';
import { concatFrames } from './concat.js';
import { compactStrings, groupRows, partitionOf } from './hash.js';

/** Rows of `f` in `nparts` pieces by key hash, row order kept within each piece. */
export function splitByKeys(f: Frame, by: readonly string[], nparts: number): Frame[] {
  if (nparts === 1) return [f];
  const bucket = partitionOf(by.map((b) => f.col(b)), f.length, nparts);
  const { starts, rows } = groupRows(bucket, nparts);
  const out: Frame[] = [];
  for (let j = 0; j < nparts; j++) {
    const idx = rows.subarray(starts[j], starts[j + 1]);
    // Each piece keeps only the dictionary entries it uses: pieces travel separately.
    out.push(new Frame(f.names, f.columns.map((c) => compactStrings(takeColumn(c, idx))), idx.length, f.index && takeColumn(f.index, idx)));
  }
  return out;
}

export const hashSplit = kernel('dataframe.hash-split', splitByKeys);

/** Piece j of a split (its own task, so an output reads only the piece it needs). */
export const getPiece = kernel('dataframe.get-piece', (pieces: readonly unknown[], j: number): unknown => pieces[j]);

/** All pieces bound for one output partition, in input order. */
export const concatPieces = kernel('dataframe.concat-pieces', (pieces: readonly Frame[]): Frame => concatFrames(pieces));
