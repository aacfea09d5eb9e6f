/**
 * DArray (exported as `Array`): a lazy n-d float64 array cut into blocks (Dask's dask.array).
 * Methods build graph only; `compute()` gives `{ data: Float64Array, shape }` in row-major
 * order, or a plain number for an array without axes (a reduction over every axis), as NumPy
 * and Dask give a scalar. Default scheduler: threads (blocks live in shared memory, so moving
 * one between threads costs nothing).
 *
 * The type parameter R is the number of axes when the building code tells it (rank.ts), so
 * `compute()` is typed by it; `number` means known only at run time.
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, materialize, StaticLayer } from '../core/collection.js';
import { compute, persist, visualize } from '../core/compute.js';
import { Delayed } from '../core/delayed.js';
import { DataNode } from '../core/graph.js';
import type { ComputeOptions, VisualizeOptions } from '../core/options.js';
import { TOKEN } from '../core/tokenize.js';
import { type ArrayValue, assemble } from './assemble.js';
import type { Block } from './block.js';
import { blockIndices, type Chunks, type ChunksInput, normalizeChunks, numblocks } from './chunks.js';
import { type ArraySpec, blockKey } from './layer.js';
import { dot } from './ops/dot.js';
import { type BinaryOp, elemwise } from './ops/elemwise.js';
import { maxReduction, minReduction } from './ops/extreme.js';
import { meanReduction } from './ops/mean.js';
import { varReduction } from './ops/moment.js';
import { rechunk } from './ops/rechunk.js';
import { type ArrayReduction, type AxisInput, normalizeAxes, reduceArray } from './ops/reduce.js';
import { sumReduction } from './ops/sum.js';
import type { DotRank, MaxRank, ReducedRank, ValueOfRank } from './rank.js';
import { normalizePermutation, transpose } from './ops/transpose.js';

export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: AxisInput;
  /** Partials merged per task in the reduction tree (default 8). */
  splitEvery?: number;
  /** Keep reduced axes as length 1, so the result broadcasts against the input (default false). */
  keepdims?: boolean;
}

export interface MomentOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is n - ddof (default 0, as NumPy). */
  ddof?: number;
}

/** The other side of an element-wise operation: an array, or a number (rank 0). */
export type Operand = DArray<number> | number;

/** The rank of an operand. */
export type RankOf<Y> = Y extends DArray<infer W> ? W : 0;

// `out R`: a DArray<2> is a DArray<number> (rank unknown); every R-dependent type is built so
// that R = number gives the widest result (rank.ts), so covariance holds, but the checker cannot
// prove it through conditional types on its stand-in ranks.
// @ts-expect-error -- TS2636: variance proven by hand above; the checker's probe cannot see through conditional types
export class DArray<out R extends number = number> implements Collection<ValueOfRank<R>>, ArraySpec {
  readonly dtype = 'float64';

  constructor(
    readonly prefix: string,
    readonly shape: readonly number[],
    readonly chunks: Chunks,
    readonly layer: GraphLayer,
  ) {}

  /** The array for a spec; `W` is the caller's word for the spec's number of axes (rank.ts). */
  static of<W extends number = number>(spec: ArraySpec): DArray<W> {
    return new DArray<W>(spec.prefix, spec.shape, spec.chunks, spec.layer);
  }

  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** Blocks along each axis. */
  get numblocks(): number[] {
    return numblocks(this.chunks);
  }
  get npartitions(): number {
    return this.numblocks.reduce((a, b) => a * b, 1);
  }
  /** Bytes the values take once computed. */
  get nbytes(): number {
    return this.size * 8;
  }

  get [COLLECTION](): CollectionImpl<ValueOfRank<R>> {
    return {
      layer: () => this.layer,
      keys: () => this.keys(),
      // assemble follows the run-time shape (no axes: a number); R says the same at compile time.
      finalize: (parts) => assemble(parts as Block[], this.shape, this.chunks) as ValueOfRank<R>,
      rebuild: (data) => {
        const nodes = this.keys().map((k) => [k, new DataNode(data.get(k))] as const);
        return new DArray<R>(this.prefix, this.shape, this.chunks, new StaticLayer(`persisted-${this.prefix}`, nodes));
      },
      defaultScheduler: 'threads',
    };
  }
  [TOKEN](): string {
    return this.prefix;
  }

  /** Block keys, row-major over the block grid. */
  keys(): string[] {
    return blockIndices(this.numblocks).map((idx) => blockKey(this.prefix, idx));
  }

  // ---- reductions -----------------------------------------------------------------------

  private reduce<W extends number>(name: string, r: ArrayReduction, opts: ReduceOptions, extra: readonly unknown[] = []): DArray<W> {
    const axes = normalizeAxes(opts.axis, this.ndim, name);
    if ((name === 'max' || name === 'min') && axes.some((d) => this.shape[d] === 0)) {
      throw new RangeError(`${name}: cannot reduce an axis of length 0 (shape [${this.shape.join(', ')}]); it has no identity`);
    }
    return DArray.of<W>(reduceArray(name, this, axes, r, { splitEvery: opts.splitEvery, aggregateArgs: extra, keepdims: opts.keepdims }));
  }
  // Over every axis (no `axis`) a reduction has rank 0 and computes to a number, whatever the rank.
  sum(): DArray<0>;
  sum<const O extends ReduceOptions>(opts: O): DArray<ReducedRank<R, O>>;
  sum(opts?: ReduceOptions): DArray {
    return this.reduce('sum', sumReduction, opts ?? {});
  }
  mean(): DArray<0>;
  mean<const O extends ReduceOptions>(opts: O): DArray<ReducedRank<R, O>>;
  mean(opts?: ReduceOptions): DArray {
    return this.reduce('mean', meanReduction, opts ?? {});
  }
  max(): DArray<0>;
  max<const O extends ReduceOptions>(opts: O): DArray<ReducedRank<R, O>>;
  max(opts?: ReduceOptions): DArray {
    return this.reduce('max', maxReduction, opts ?? {});
  }
  min(): DArray<0>;
  min<const O extends ReduceOptions>(opts: O): DArray<ReducedRank<R, O>>;
  min(opts?: ReduceOptions): DArray {
    return this.reduce('min', minReduction, opts ?? {});
  }
  var(): DArray<0>;
  var<const O extends MomentOptions>(opts: O): DArray<ReducedRank<R, O>>;
  var(opts?: MomentOptions): DArray {
    return this.reduce('var', varReduction, opts ?? {}, [opts?.ddof ?? 0, false]);
  }
  std(): DArray<0>;
  std<const O extends MomentOptions>(opts: O): DArray<ReducedRank<R, O>>;
  std(opts?: MomentOptions): DArray {
    return this.reduce('std', varReduction, opts ?? {}, [opts?.ddof ?? 0, true]);
  }

  // ---- element-wise ---------------------------------------------------------------------

  private binary<Y extends Operand>(op: BinaryOp, y: Y): DArray<MaxRank<R, RankOf<Y>>> {
    if (!(y instanceof DArray) && typeof y !== 'number') throw new TypeError(`${op}: operand must be an array or a number, got ${typeof y}`);
    return DArray.of(elemwise(op, this, y));
  }
  add<Y extends Operand>(y: Y): DArray<MaxRank<R, RankOf<Y>>> {
    return this.binary('add', y);
  }
  sub<Y extends Operand>(y: Y): DArray<MaxRank<R, RankOf<Y>>> {
    return this.binary('sub', y);
  }
  mul<Y extends Operand>(y: Y): DArray<MaxRank<R, RankOf<Y>>> {
    return this.binary('mul', y);
  }
  div<Y extends Operand>(y: Y): DArray<MaxRank<R, RankOf<Y>>> {
    return this.binary('div', y);
  }
  pow<Y extends Operand>(y: Y): DArray<MaxRank<R, RankOf<Y>>> {
    return this.binary('pow', y);
  }
  /** Element-wise larger value (NaN wins). */
  maximum<Y extends Operand>(y: Y): DArray<MaxRank<R, RankOf<Y>>> {
    return this.binary('maximum', y);
  }
  minimum<Y extends Operand>(y: Y): DArray<MaxRank<R, RankOf<Y>>> {
    return this.binary('minimum', y);
  }
  neg(): DArray<R> {
    return DArray.of<R>(elemwise('mul', this, -1));
  }

  // ---- shape ----------------------------------------------------------------------------

  /** Axes reversed. */
  get T(): DArray<R> {
    return this.transpose();
  }
  transpose(axes?: readonly number[]): DArray<R> {
    return DArray.of<R>(transpose(this, normalizePermutation(axes, this.ndim)));
  }
  /** Matrix product (1-d and 2-d); two 1-d arrays give their inner product, a number. */
  dot<W extends number>(y: DArray<W>): DArray<DotRank<R, W>> {
    if (!(y instanceof DArray)) throw new TypeError('dot: the operand must be a tsdask array (da.fromArray(...) wraps in-memory data)');
    return DArray.of(dot(this, y));
  }
  rechunk(chunks: ChunksInput): DArray<R> {
    return DArray.of<R>(rechunk(this, normalizeChunks(chunks, this.shape, 'rechunk')));
  }

  // ---- running --------------------------------------------------------------------------

  async compute(opts: ComputeOptions = {}): Promise<ValueOfRank<R>> {
    // Through the Collection interface, so the computed type is ValueOfRank<R> and not Computed<this>.
    const [v] = await compute<[Collection<ValueOfRank<R>>, ComputeOptions]>(this, opts);
    return v;
  }
  async persist(opts: ComputeOptions = {}): Promise<DArray<R>> {
    const [v] = await persist(this, opts);
    return v;
  }
  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }
  /** The single value of a one-element array (e.g. a full reduction), like NumPy's item(). */
  async item(opts: ComputeOptions = {}): Promise<number> {
    if (this.size !== 1) throw new RangeError(`item: the array has ${this.size} values (shape [${this.shape.join(', ')}]); reduce it first`);
    const v: ArrayValue = await this.compute(opts);
    return typeof v === 'number' ? v : v.data[0];
  }
  /** One Delayed per block (each computing to `{ shape, data }`), row-major over the grid. */
  toDelayed(): Delayed<Block>[] {
    return this.keys().map((k) => new Delayed<Block>(k, undefined, [this.layer]));
  }
  toString(): string {
    const chunkText = this.chunks.map((c) => (c.length === 0 ? '()' : c.every((x) => x === c[0]) ? String(c[0]) : `(${c.join(', ')})`));
    return `tsdask.Array<shape=(${this.shape.join(', ')}), chunks=(${chunkText.join(', ')}), blocks=${this.npartitions}, dtype=float64, tasks=${materialize([this.layer]).size}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
