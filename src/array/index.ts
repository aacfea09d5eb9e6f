/**
 * tsdask/array: lazy n-d float64 arrays in blocks (Dask's dask.array).
 *
 *   import * as da from 'tsdask/array';
 *   const x = da.random.normal(0, 1, { size: [40000, 4000], chunks: [2500, 4000] });
 *   const { data, shape } = await x.mean({ axis: 1 }).compute();
 *
 * Importing this module registers every array kernel, so workers resolve them by name.
 */
import { registerLocalSchedulers } from '../schedulers/index.js';
import './ops/index.js';
import { DArray, type MomentOptions, type ReduceOptions } from './array.js';

registerLocalSchedulers(); // this entry alone must be able to compute

export { DArray, DArray as Array } from './array.js';
export type { MomentOptions, Operand, ReduceOptions } from './array.js';
export type { NDArray } from './assemble.js';
export type { Block } from './block.js';
export type { Chunks, ChunksInput } from './chunks.js';
export { fromArray, full, ones, random, zeros } from './create.js';
export type { CreateOptions, FromArrayOptions, RandomOptions, Shape } from './create.js';
export type { NestedNumbers, NumericArray } from './ops/from-array.js';

// Function forms, as in NumPy/Dask (da.mean(x, { axis: 1 })).
export const sum = (x: DArray, opts?: ReduceOptions): DArray => x.sum(opts);
export const mean = (x: DArray, opts?: ReduceOptions): DArray => x.mean(opts);
export const max = (x: DArray, opts?: ReduceOptions): DArray => x.max(opts);
export const min = (x: DArray, opts?: ReduceOptions): DArray => x.min(opts);
export const std = (x: DArray, opts?: MomentOptions): DArray => x.std(opts);
// `var` is a reserved word: exported under its name through an alias.
const variance = (x: DArray, opts?: MomentOptions): DArray => x.var(opts);
export { variance as var };
export const dot = (a: DArray, b: DArray): DArray => a.dot(b);
export const transpose = (x: DArray, axes?: readonly number[]): DArray => x.transpose(axes);
