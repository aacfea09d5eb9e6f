/** Constructors: ones, zeros, full, fromArray, random.normal / random.random. */
import { DArray } from './array.js';
import { type ChunksInput, normalizeChunks, normalizeShape } from './chunks.js';
import { flattenNested, fromArray as fromArraySpec, type NestedNumbers, type NumericArray, toFloat64 } from './ops/from-array.js';
import { full as fullSpec } from './ops/full.js';
import { type Distribution, random as randomSpec } from './ops/random.js';
import type { DepthOf, RankOfShape } from './rank.js';
import { randomSeed } from './rng.js';

export type Shape = number | readonly number[];

export interface CreateOptions {
  /** Block sizes: one number, one per axis (-1 = whole axis), explicit lists, or 'auto' (default). */
  chunks?: ChunksInput;
}

// `const S`: a shape literal keeps its length, so the array's rank (and what compute() gives) is typed.
export function full<const S extends Shape>(shape: S, value: number, opts: CreateOptions = {}): DArray<RankOfShape<S>> {
  const s = normalizeShape(shape, 'full');
  return DArray.of(fullSpec('full', s, normalizeChunks(opts.chunks, s, 'full'), value));
}

export function ones<const S extends Shape>(shape: S, opts: CreateOptions = {}): DArray<RankOfShape<S>> {
  const s = normalizeShape(shape, 'ones');
  return DArray.of(fullSpec('ones', s, normalizeChunks(opts.chunks, s, 'ones'), 1));
}

export function zeros<const S extends Shape>(shape: S, opts: CreateOptions = {}): DArray<RankOfShape<S>> {
  const s = normalizeShape(shape, 'zeros');
  return DArray.of(fullSpec('zeros', s, normalizeChunks(opts.chunks, s, 'zeros'), 0));
}

export interface FromArrayOptions<S extends Shape = Shape> extends CreateOptions {
  /** Shape of the row-major data (default: 1-d, its length). */
  shape?: S;
}

/** The rank fromArray gives: the shape's when given, else the nesting depth (flat data: 1). */
export type FromArrayRank<D, S> = [S] extends [never] ? (D extends NumericArray ? 1 : DepthOf<D>) : RankOfShape<S>;

/**
 * Wrap in-memory values as a blocked array: a numeric typed array or number[] (row-major, with
 * `shape`), or rectangular nested arrays (number[][]...), whose nesting gives the shape.
 */
export function fromArray<D extends NumericArray | NestedNumbers, const S extends Shape = never>(
  data: D,
  opts: FromArrayOptions<S> = {},
): DArray<FromArrayRank<D, S>> {
  const nested = Array.isArray(data) && data.length > 0 && Array.isArray(data[0]);
  const flat = nested ? flattenNested(data as NestedNumbers, 'fromArray') : { values: toFloat64(data as NumericArray, 'fromArray'), shape: undefined };
  const values = flat.values;
  if (nested && opts.shape !== undefined && normalizeShape(opts.shape, 'fromArray').join() !== flat.shape!.join()) {
    throw new RangeError(
      `fromArray: shape [${normalizeShape(opts.shape, 'fromArray').join(', ')}] differs from the nested arrays' shape [${flat.shape!.join(', ')}]`,
    );
  }
  const s = normalizeShape(opts.shape ?? flat.shape ?? values.length, 'fromArray');
  return DArray.of(fromArraySpec(values, s, normalizeChunks(opts.chunks, s, 'fromArray')));
}

export interface RandomOptions<S extends Shape = Shape> extends CreateOptions {
  size: S;
  /** 32-bit integer seed; the same seed and chunks give the same values on any scheduler. */
  seed?: number;
}

function makeRandom<S extends Shape>(who: string, opts: RandomOptions<S>, dist: Distribution): DArray<RankOfShape<S>> {
  if (opts === undefined || opts.size === undefined) throw new TypeError(`${who}: pass { size, chunks } (e.g. { size: [1000, 1000], chunks: [100, 1000] })`);
  const s = normalizeShape(opts.size, who);
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) throw new TypeError(`${who}: seed must be an integer, got ${opts.seed}`);
  const seed = opts.seed === undefined ? randomSeed() : opts.seed | 0;
  return DArray.of(randomSpec(s, normalizeChunks(opts.chunks, s, who), seed, dist));
}

/** Normal draws with the given mean and standard deviation. */
function normal<const S extends Shape>(mean: number, std: number, opts: RandomOptions<S>): DArray<RankOfShape<S>> {
  if (typeof mean !== 'number' || typeof std !== 'number' || !(std >= 0)) {
    throw new TypeError(`random.normal: expected (mean, std >= 0, { size, chunks }), got (${String(mean)}, ${String(std)}, ...)`);
  }
  return makeRandom('random.normal', opts, ['normal', mean, std]);
}

/** Uniform draws in [0, 1): random({ size, chunks }) or random(size, { chunks }). */
function uniform01<const S extends Shape>(opts: RandomOptions<S>): DArray<RankOfShape<S>>;
function uniform01<const S extends Shape>(size: S, opts?: CreateOptions & { seed?: number }): DArray<RankOfShape<S>>;
function uniform01(sizeOrOpts: Shape | RandomOptions, opts: CreateOptions & { seed?: number } = {}): DArray {
  const o: RandomOptions = typeof sizeOrOpts === 'number' || Array.isArray(sizeOrOpts) ? { ...opts, size: sizeOrOpts as Shape } : (sizeOrOpts as RandomOptions);
  return makeRandom('random.random', o, ['uniform', 0, 1]);
}

/** Uniform draws in [low, high). */
function uniform<const S extends Shape>(low: number, high: number, opts: RandomOptions<S>): DArray<RankOfShape<S>> {
  if (typeof low !== 'number' || typeof high !== 'number') throw new TypeError('random.uniform: expected (low, high, { size, chunks })');
  return makeRandom('random.uniform', opts, ['uniform', low, high]);
}

export const random = { normal, random: uniform01, uniform } as const;
