/**
 * tsdask/bag: lazy, partitioned collections of arbitrary JS values (Dask's dask.bag).
 *
 *   import * as db from 'tsdask/bag';
 *   const words = db.readText('logs/*.gz').map((line) => line.split(' ')).flatten();
 *   const top = await words.frequencies().topk(10, 1).compute();
 *
 * Importing this module registers every bag kernel, so workers resolve them by name.
 */
import { registerLocalSchedulers } from '../schedulers/index.js';
import { Bag } from './bag.js';
import { fromSequence as fromSequenceSpec, type FromSequenceOptions } from './create.js';
import { readText as readTextSpec, type ReadTextOptions } from './io/read-text.js';

registerLocalSchedulers(); // this entry alone must be able to compute

export { Bag } from './bag.js';
export type { ArgValue, ArgValues, Flat, TakeOptions } from './bag.js';
export { Item } from './item.js';
export { KeyError } from './errors.js';
export type { KeySpec } from './values.js';
export type { PluckKey } from './verbs/pluck.js';
export type { FromSequenceOptions, ReadTextOptions };

/** A bag over items in memory, split into `npartitions` contiguous partitions (default: up to 100). */
export function fromSequence<T>(items: Iterable<T>, opts: FromSequenceOptions = {}): Bag<T> {
  return Bag.of<T>(fromSequenceSpec(items, opts));
}

/**
 * A bag of the lines of text files (a path, a glob, or a list): one partition per file (or per
 * `blocksize` bytes of an uncompressed file), `.gz` read transparently, terminators removed
 * unless `keepNewlines`.
 */
export function readText(paths: string | readonly string[], opts: ReadTextOptions = {}): Bag<string> {
  return Bag.of<string>(readTextSpec(paths, opts));
}
