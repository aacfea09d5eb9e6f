/**
 * The two tasks of a disk shuffle. A split runs the shuffle's own split kernel on one input
 * partition and writes the pieces to a file instead of keeping them in memory; an output
 * reads its piece of every split's file and runs the shuffle's combine kernel on them. Split
 * and combine kernels are named, not passed, so a task stays plain data.
 */
import { getKernel, kernel } from '../../core/kernels.js';
import { decode, encode, type Frames } from '../../core/serialize.js';
import { readPiece, writePieces } from '../../core/shuffle/files.js';
import { ShuffleOutput } from '../../core/shuffle/output.js';

export interface SplitTarget {
  /** The shuffle's key prefix. */
  shuffle: string;
  /** This task's key and input index. */
  key: string;
  index: number;
  /** Kernel name: (partition, ...args, nOut, 0) => nOut pieces. */
  split: string;
  nOut: number;
}

export const diskSplit = kernel('dataframe.disk-shuffle-split', async (part: unknown, target: SplitTarget, ...args: unknown[]): Promise<ShuffleOutput> => {
  const pieces = getKernel(target.split)(part, ...args, target.nOut, 0);
  if (!Array.isArray(pieces) || pieces.length !== target.nOut) {
    throw new TypeError(
      `${target.key}: split kernel '${target.split}' gave ${Array.isArray(pieces) ? pieces.length : typeof pieces} pieces, expected ${target.nOut}`,
    );
  }
  const encoded: Frames[] = [];
  for (let j = 0; j < pieces.length; j++) {
    encoded.push(encode(pieces[j], `piece ${j} of shuffle task '${target.key}'`));
    // Each piece's columns are copied by encoding: let the piece go at once.
    pieces[j] = undefined;
  }
  return writePieces(target.shuffle, target.key, target.index, encoded);
});

export interface OutputTarget {
  /** Output partition number. */
  part: number;
  /** Kernel name: (pieces[], ...args) => the output partition. */
  combine: string;
}

export const diskCombine = kernel(
  'dataframe.disk-shuffle-combine',
  async (outputs: readonly unknown[], target: OutputTarget, ...args: unknown[]): Promise<unknown> => {
    const pieces: unknown[] = [];
    for (const o of outputs) {
      if (!(o instanceof ShuffleOutput)) throw new TypeError(`disk shuffle output ${target.part}: an input is not a shuffle output (${typeof o})`);
      pieces.push(decode(await readPiece(o, target.part)));
    }
    return getKernel(target.combine)(pieces, ...args);
  },
);
