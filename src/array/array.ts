/**
 * DArray (exported as `Array`): a lazy n-d float64 array cut into blocks (Dask's dask.array).
 * Methods build graph only; `compute()` gives `{ data: Float64Array, shape }` in row-major
 * order. Default scheduler: threads (blocks live in shared memory, so moving one between
 * threads costs nothing).
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, materialize, StaticLayer } from '../core/collection.js';
import { compute, persist, visualize } from '../core/compute.js';
import { Delayed } from '../core/delayed.js';
import { DataNode } from '../core/graph.js';
import type { ComputeOptions, VisualizeOptions } from '../core/options.js';
import { TOKEN } from '../core/tokenize.js';
import { assemble, type NDArray } from './assemble.js';
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

export type Operand = DArray | number;

export class DArray implements Collection<NDArray>, ArraySpec {
  readonly dtype = 'float64';

  constructor(
    readonly prefix: string,
    readonly shape: readonly number[],
    readonly chunks: Chunks,
    readonly layer: GraphLayer,
  ) {}

  static of(spec: ArraySpec): DArray {
    return spec instanceof DArray ? spec : new DArray(spec.prefix, spec.shape, spec.chunks, spec.layer);
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

  get [COLLECTION](): CollectionImpl<NDArray> {
    return {
      layer: () => this.layer,
      keys: () => this.keys(),
      finalize: (parts) => assemble(parts as Block[], this.shape, this.chunks),
      rebuild: (data) => {
        const nodes = this.keys().map((k) => [k, new DataNode(data.get(k))] as const);
        return new DArray(this.prefix, this.shape, this.chunks, new StaticLayer(`persisted-${this.prefix}`, nodes));
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

  private reduce(name: string, r: ArrayReduction, opts: ReduceOptions, extra: readonly unknown[] = []): DArray {
    const axes = normalizeAxes(opts.axis, this.ndim, name);
    if ((name === 'max' || name === 'min') && axes.some((d) => this.shape[d] === 0)) {
      throw new RangeError(`${name}: cannot reduce an axis of length 0 (shape [${this.shape.join(', ')}]); it has no identity`);
    }
    return DArray.of(reduceArray(name, this, axes, r, { splitEvery: opts.splitEvery, aggregateArgs: extra, keepdims: opts.keepdims }));
  }
  sum(opts: ReduceOptions = {}): DArray {
    return this.reduce('sum', sumReduction, opts);
  }
  mean(opts: ReduceOptions = {}): DArray {
    return this.reduce('mean', meanReduction, opts);
  }
  max(opts: ReduceOptions = {}): DArray {
    return this.reduce('max', maxReduction, opts);
  }
  min(opts: ReduceOptions = {}): DArray {
    return this.reduce('min', minReduction, opts);
  }
  var(opts: MomentOptions = {}): DArray {
    return this.reduce('var', varReduction, opts, [opts.ddof ?? 0, false]);
  }
  std(opts: MomentOptions = {}): DArray {
    return this.reduce('std', varReduction, opts, [opts.ddof ?? 0, true]);
  }

  // ---- element-wise ---------------------------------------------------------------------

  private binary(op: BinaryOp, y: Operand): DArray {
    if (!(y instanceof DArray) && typeof y !== 'number') throw new TypeError(`${op}: operand must be an array or a number, got ${typeof y}`);
    return DArray.of(elemwise(op, this, y));
  }
  add(y: Operand): DArray {
    return this.binary('add', y);
  }
  sub(y: Operand): DArray {
    return this.binary('sub', y);
  }
  mul(y: Operand): DArray {
    return this.binary('mul', y);
  }
  div(y: Operand): DArray {
    return this.binary('div', y);
  }
  pow(y: Operand): DArray {
    return this.binary('pow', y);
  }
  /** Element-wise larger value (NaN wins). */
  maximum(y: Operand): DArray {
    return this.binary('maximum', y);
  }
  minimum(y: Operand): DArray {
    return this.binary('minimum', y);
  }
  neg(): DArray {
    return this.mul(-1);
  }

  // ---- shape ----------------------------------------------------------------------------

  /** Axes reversed. */
  get T(): DArray {
    return this.transpose();
  }
  transpose(axes?: readonly number[]): DArray {
    return DArray.of(transpose(this, normalizePermutation(axes, this.ndim)));
  }
  /** Matrix product (1-d and 2-d). */
  dot(y: DArray): DArray {
    if (!(y instanceof DArray)) throw new TypeError('dot: the operand must be a tsdask array (da.fromArray(...) wraps in-memory data)');
    return DArray.of(dot(this, y));
  }
  rechunk(chunks: ChunksInput): DArray {
    return DArray.of(rechunk(this, normalizeChunks(chunks, this.shape, 'rechunk')));
  }

  // ---- running --------------------------------------------------------------------------

  async compute(opts: ComputeOptions = {}): Promise<NDArray> {
    const [v] = await compute(this, opts);
    return v;
  }
  async persist(opts: ComputeOptions = {}): Promise<DArray> {
    const [v] = await persist(this, opts);
    return v;
  }
  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }
  /** The single value of a one-element array (e.g. a full reduction), like NumPy's item(). */
  async item(opts: ComputeOptions = {}): Promise<number> {
    if (this.size !== 1) throw new RangeError(`item: the array has ${this.size} values (shape [${this.shape.join(', ')}]); reduce it first`);
    return (await this.compute(opts)).data[0];
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
