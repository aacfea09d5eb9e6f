/**
 * Compile-time ranks: `DArray<R>` carries its number of axes when the code that built it says
 * (a shape literal, a reduction over named axes), so `compute()` can be typed as NumPy and Dask
 * behave: an array without axes computes to a number, any other to `{ data, shape }`. Where
 * the rank is only known at run time (a shape held in a `number[]`), R is `number` and the value
 * type is the union. Types only: nothing here exists at run time.
 *
 * Each rank function tests "is the receiver's rank unknown?" first, so for DArray<number> it
 * resolves to `number` at once; that is what lets a DArray<2> be used where a DArray<number>
 * is expected (the checker cannot relate two conditional types left open).
 */
import type { ArrayValue, NDArray } from './assemble.js';

/** What an array of rank R computes to. */
export type ValueOfRank<R extends number> = number extends R ? ArrayValue : R extends 0 ? number : NDArray;

// Ranks are small: lookup tables up to 8 axes; anything else is "unknown" (number).
type Down = [never, 0, 1, 2, 3, 4, 5, 6, 7];
type Known = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** R - K when both are known and K <= R, else number. */
export type Minus<R extends number, K extends number> = number extends R | K
  ? number
  : K extends 0
    ? R
    : R extends Known
      ? R extends 0
        ? number
        : K extends Known
          ? Minus<Down[R], Down[K]>
          : number
      : number;

/** The larger of two ranks (broadcasting), or number when either is unknown. */
export type MaxRank<A extends number, B extends number> = number extends A ? number : number extends B ? number : number extends Minus<A, B> ? B : A;

/** The rank of a shape literal: its length when it is a tuple, 1 for a number. */
export type RankOfShape<S> = S extends number ? 1 : S extends readonly unknown[] ? S['length'] : number;

// Read through `infer` rather than `O extends { keepdims?: ... }`: a type with only optional
// properties is a weak type, and an options object without them would not match it.
type KeepOf<O> = O extends { keepdims: infer K } ? K : false;
type AxisOf<O> = O extends { axis: infer A } ? A : undefined;
type AxisRank<R extends number, A> = [A] extends [null | undefined]
  ? 0
  : [A] extends [number]
    ? Minus<R, 1>
    : [A] extends [readonly unknown[]]
      ? Minus<R, A['length']>
      : number;

/** The rank after reducing with these options: every axis, none kept, or the named ones. */
export type ReducedRank<R extends number, O> = number extends R
  ? number
  : true extends KeepOf<O>
    ? [KeepOf<O>] extends [true]
      ? R
      : number
    : AxisRank<R, AxisOf<O>>;

/** The rank of a matrix product of 1-d and 2-d arrays (a 1-d operand's axis drops out). */
export type DotRank<A extends number, B extends number> = number extends A
  ? number
  : [A, B] extends [1, 1]
    ? 0
    : [A, B] extends [2, 2]
      ? 2
      : [A, B] extends [1, 2] | [2, 1]
        ? 1
        : number;

/** The nesting depth of number[][]... (the rank of fromArray's nested input). */
export type DepthOf<T> = T extends number
  ? 0
  : T extends ReadonlyArray<infer E>
    ? DepthOf<E> extends Known
      ? [1, 2, 3, 4, 5, 6, 7, 8, number][DepthOf<E>]
      : number
    : number;
