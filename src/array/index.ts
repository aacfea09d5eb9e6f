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
import type { DArray, MomentOptions, ReduceOptions } from './array.js';
import type { DotRank, ReducedRank } from './rank.js';

registerLocalSchedulers(); // this entry alone must be able to compute

export { DArray, DArray as Array } from './array.js';
export type { MomentOptions, Operand, RankOf, ReduceOptions } from './array.js';
export type { ArrayValue, NDArray } from './assemble.js';
export type { DotRank, MaxRank, Minus, RankOfShape, ReducedRank, ValueOfRank } from './rank.js';
export type { Block } from './block.js';
export type { Chunks, ChunksInput } from './chunks.js';
export { fromArray, full, ones, random, zeros } from './create.js';
export type { CreateOptions, FromArrayOptions, RandomOptions, Shape } from './create.js';
export type { NestedNumbers, NumericArray } from './ops/from-array.js';

// Function forms, as in NumPy/Dask (da.mean(x, { axis: 1 })), typed like the methods.
export function sum(x: DArray, opts?: Record<never, never>): DArray<0>;
export function sum<R extends number, const O extends ReduceOptions>(x: DArray<R>, opts: O): DArray<ReducedRank<R, O>>;
export function sum(x: DArray, opts: ReduceOptions = {}): DArray {
  return x.sum(opts);
}
export function mean(x: DArray, opts?: Record<never, never>): DArray<0>;
export function mean<R extends number, const O extends ReduceOptions>(x: DArray<R>, opts: O): DArray<ReducedRank<R, O>>;
export function mean(x: DArray, opts: ReduceOptions = {}): DArray {
  return x.mean(opts);
}
export function max(x: DArray, opts?: Record<never, never>): DArray<0>;
export function max<R extends number, const O extends ReduceOptions>(x: DArray<R>, opts: O): DArray<ReducedRank<R, O>>;
export function max(x: DArray, opts: ReduceOptions = {}): DArray {
  return x.max(opts);
}
export function min(x: DArray, opts?: Record<never, never>): DArray<0>;
export function min<R extends number, const O extends ReduceOptions>(x: DArray<R>, opts: O): DArray<ReducedRank<R, O>>;
export function min(x: DArray, opts: ReduceOptions = {}): DArray {
  return x.min(opts);
}
export function std(x: DArray, opts?: Record<never, never>): DArray<0>;
export function std<R extends number, const O extends MomentOptions>(x: DArray<R>, opts: O): DArray<ReducedRank<R, O>>;
export function std(x: DArray, opts: MomentOptions = {}): DArray {
  return x.std(opts);
}
// `var` is a reserved word: exported under its name through an alias.
function variance(x: DArray, opts?: Record<never, never>): DArray<0>;
function variance<R extends number, const O extends MomentOptions>(x: DArray<R>, opts: O): DArray<ReducedRank<R, O>>;
function variance(x: DArray, opts: MomentOptions = {}): DArray {
  return x.var(opts);
}
export { variance as var };
export const dot = <A extends number, B extends number>(a: DArray<A>, b: DArray<B>): DArray<DotRank<A, B>> => a.dot(b);
export const transpose = <R extends number>(x: DArray<R>, axes?: readonly number[]): DArray<R> => x.transpose(axes);
