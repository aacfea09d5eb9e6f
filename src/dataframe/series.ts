/**
 * A lazy Series: partitions are one-column frames. Element-wise methods add one blockwise
 * layer; reductions return lazy Scalars; results compute to danfo.Series.
 */
import { kernel } from '../core/kernels.js';
import { PartitionedCollection } from './base.js';
import type { DanfoSeries } from './danfo.js';
import { framesToDanfoSeries, toDanfoSeries } from './danfo.js';
import type { DataFrame } from './dataframe.js';
import { type Cell, type DType, type DTypeName, emptyColumn, Frame, inferDType, normalizeDType } from './frame.js';
import { blockwise, type Built, inferMeta, treeReduce } from './graph.js';
import { arith, type ArithOp, neg } from './ops/arith.js';
import { astype } from './ops/astype.js';
import { mapValues } from './ops/map.js';
import { compare, type CompareOp } from './ops/compare.js';
import { concatFrames } from './ops/concat.js';
import { dtField, type DtField } from './ops/datetime.js';
import { filter } from './ops/filter.js';
import { between, isin } from './ops/isin.js';
import { logical, not } from './ops/logic.js';
import { dropna, fillna, isna } from './ops/missing.js';
import { anyAllChunk, anyAllCombine, anyAllScalar } from './ops/anyall.js';
import { distinctChunk, distinctCombine, nuniqueScalar } from './ops/nunique.js';
import { rename } from './ops/columns.js';
import { momentsChunk, momentsCombine, momentsScalar, type StatOp } from './ops/stats.js';
import { strOp, type StrOp } from './ops/strings.js';
import { quantileLazy } from './quantile.js';
import { Scalar } from './scalar.js';
import { isinSeries, unique as uniqueOf, valueCounts as valueCountsOf, type ValueCountsOptions } from './distinct.js';
import { selectN, sortValues as sortSeriesValues } from './sort.js';

/** Anything a series operation accepts as its other side. */
export type SeriesOperand = Series | Scalar | number | string | boolean | Date | null;

const distinctValues = kernel('dataframe.distinct.values', (parts: readonly (string[] | Float64Array)[][]): Cell[] => {
  const [only] = distinctCombine(parts);
  return Array.isArray(only) ? only : Array.from(only);
});

export class Series extends PartitionedCollection<DanfoSeries> {
  protected readonly finishFn = framesToDanfoSeries;

  protected make(built: Built, meta: Frame): this {
    return new Series(built.prefix, built.npartitions, meta, built.layer) as this;
  }
  protected finish(parts: Frame[]): DanfoSeries {
    return toDanfoSeries(concatFrames(parts));
  }

  get name(): string {
    return this.meta.names[0];
  }
  get dtype(): DType {
    return this.meta.columns[0].dtype;
  }

  /** Build a Series from a blockwise kernel; meta derived by running it on empty inputs. */
  private derive(name: string, fn: (...a: never[]) => Frame, args: readonly unknown[]): Series {
    const b = blockwise(name, fn as (...a: unknown[]) => unknown, args);
    const meta = inferMeta(name, fn as (...a: unknown[]) => unknown, args);
    return new Series(b.prefix, b.npartitions, meta, b.layer);
  }

  // ---- arithmetic and comparison ----
  private arith(other: SeriesOperand, op: ArithOp): Series {
    return this.derive(op, arith, [this, other, op]);
  }
  add(o: SeriesOperand): Series { return this.arith(o, 'add'); }
  sub(o: SeriesOperand): Series { return this.arith(o, 'sub'); }
  mul(o: SeriesOperand): Series { return this.arith(o, 'mul'); }
  div(o: SeriesOperand): Series { return this.arith(o, 'div'); }
  mod(o: SeriesOperand): Series { return this.arith(o, 'mod'); }
  pow(o: SeriesOperand): Series { return this.arith(o, 'pow'); }
  neg(): Series { return this.derive('neg', neg, [this]); }

  private cmp(other: SeriesOperand, op: CompareOp): Series {
    return this.derive(op, compare, [this, other, op]);
  }
  gt(o: SeriesOperand): Series { return this.cmp(o, 'gt'); }
  ge(o: SeriesOperand): Series { return this.cmp(o, 'ge'); }
  lt(o: SeriesOperand): Series { return this.cmp(o, 'lt'); }
  le(o: SeriesOperand): Series { return this.cmp(o, 'le'); }
  eq(o: SeriesOperand): Series { return this.cmp(o, 'eq'); }
  ne(o: SeriesOperand): Series { return this.cmp(o, 'ne'); }
  and(o: Series | boolean): Series { return this.derive('and', logical, [this, o, 'and']); }
  or(o: Series | boolean): Series { return this.derive('or', logical, [this, o, 'or']); }
  xor(o: Series | boolean): Series { return this.derive('xor', logical, [this, o, 'xor']); }
  not(): Series { return this.derive('not', not, [this]); }

  // ---- missing values, membership, types ----
  isna(): Series { return this.derive('isna', isna, [this, 1]); }
  isnull(): Series { return this.isna(); }
  notna(): Series { return this.derive('notna', isna, [this, 0]); }
  notnull(): Series { return this.notna(); }
  fillna(value: Cell): Series { return this.derive('fillna', fillna, [this, value]); }
  dropna(): Series { return this.derive('dropna', dropna, [this, null, 'any']); }

  /** Membership in a list of values, or in the values of another (lazy) Series. */
  isin(values: readonly Cell[] | Series): Series {
    if (values instanceof Series) return isinSeries(this, values);
    return this.derive('isin', isin, [this, [...values]]);
  }
  between(lo: Cell, hi: Cell, inclusive: 'both' | 'neither' | 'left' | 'right' = 'both'): Series {
    return this.derive('between', between, [this, lo, hi, inclusive]);
  }
  astype(dtype: DTypeName): Series {
    return this.derive('astype', astype, [this, { [this.name]: normalizeDType(dtype, 'astype') }]);
  }
  rename(name: string): Series {
    return this.derive('rename', rename, [this, { [this.name]: name }]);
  }
  /** Rows where `mask` is true. */
  filter(mask: Series): Series {
    return this.mapSame('filter', filter, [this, mask]);
  }
  toFrame(): DataFrame {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: dataframe.ts imports this file, a top-level import would be circular
    const { DataFrame } = require('./dataframe.js') as typeof import('./dataframe.js');
    return new DataFrame(this.prefix, this.npartitions, this.meta, this.layer);
  }

  // ---- reductions ----
  private stat(op: StatOp, ddof = 1): Scalar<number> {
    if (this.dtype === 'string' && op !== 'count') throw new TypeError(`${op}() is not defined for string series '${this.name}'`);
    const { key, layer } = treeReduce(`series-${op}`, this, {
      chunk: momentsChunk,
      chunkArgs: [[this.name], op === 'var' || op === 'std'],
      combine: momentsCombine,
      aggregate: momentsScalar,
      aggregateArgs: [op, this.dtype, ddof],
    });
    return new Scalar<number>(key, layer, this.dtype === 'datetime' && (op === 'min' || op === 'max') ? new Date(0) : 0);
  }
  count(): Scalar<number> { return this.stat('count'); }
  sum(): Scalar<number> { return this.stat('sum'); }
  mean(): Scalar<number> { return this.stat('mean'); }
  min(): Scalar<number> { return this.stat('min'); }
  max(): Scalar<number> { return this.stat('max'); }
  var(opts: { ddof?: number } = {}): Scalar<number> { return this.stat('var', opts.ddof ?? 1); }
  std(opts: { ddof?: number } = {}): Scalar<number> { return this.stat('std', opts.ddof ?? 1); }

  private anyAll(op: 'any' | 'all'): Scalar<boolean> {
    const { key, layer } = treeReduce(`series-${op}`, this, { chunk: anyAllChunk, chunkArgs: [op], combine: anyAllCombine, combineArgs: [op], aggregate: anyAllScalar, aggregateArgs: [op] });
    return new Scalar<boolean>(key, layer, false);
  }
  any(): Scalar<boolean> { return this.anyAll('any'); }
  all(): Scalar<boolean> { return this.anyAll('all'); }

  nunique(): Scalar<number> {
    const { key, layer } = treeReduce('series-nunique', this, { chunk: distinctChunk, combine: distinctCombine, aggregate: nuniqueScalar });
    return new Scalar<number>(key, layer, 0);
  }

  /** Distinct non-missing values as a lazy list (used by isin against a Series). */
  uniqueLazy(): Scalar<Cell[]> {
    const { key, layer } = treeReduce('series-distinct', this, { chunk: distinctChunk, combine: distinctCombine, aggregate: distinctValues });
    return new Scalar<Cell[]>(key, layer, []);
  }

  /** Exact quantile (linear interpolation, like pandas). */
  quantile(q: number): Scalar<number> {
    return quantileLazy(this, [this.name], [q], 'scalar') as Scalar<number>;
  }
  median(): Scalar<number> {
    return this.quantile(0.5);
  }

  // ---- distinct values and ordering (distinct.ts, sort.ts) ----
  /** Counts per distinct value, largest first; the values are the index. */
  valueCounts(opts: ValueCountsOptions = {}): Series {
    return valueCountsOf(this, opts);
  }
  /** Distinct values in order of first appearance. */
  unique(): Series {
    return uniqueOf(this);
  }
  nlargest(n = 5): Series {
    return selectN(this, n, [this.name], true);
  }
  nsmallest(n = 5): Series {
    return selectN(this, n, [this.name], false);
  }
  sortValues(opts: { ascending?: boolean; npartitions?: number } = {}): Series {
    return sortSeriesValues(this, [this.name], opts);
  }

  /**
   * Apply `fn` to every value (null for missing). The output dtype is `opts.meta` or inferred
   * by calling `fn` on two stand-in values of this series' dtype.
   */
  map(fn: (value: Cell) => Cell, opts: { meta?: DTypeName } = {}): Series {
    let dtype: DType;
    if (opts.meta !== undefined) dtype = normalizeDType(opts.meta, 'map meta');
    else {
      const standIns: Record<DType, Cell[]> = { float64: [1.5, 2], int64: [1, 2], int32: [1, 2], bool: [true, false], string: ['a', 'b'], datetime: [new Date(0), new Date(86400000)] };
      try {
        dtype = inferDType(standIns[this.dtype].map((v) => fn(v)));
      } catch (e) {
        throw new TypeError(`map: could not infer the output dtype by calling ${fn.name || 'the function'} on stand-in values (${(e as Error).message}); pass { meta: 'float64' } (or another dtype)`);
      }
    }
    const b = blockwise('map', mapValues as (...a: unknown[]) => unknown, [this, fn, dtype]);
    return new Series(b.prefix, b.npartitions, new Frame([this.name], [emptyColumn(dtype)], 0), b.layer);
  }

  // ---- accessors ----
  get dt(): DatetimeAccessor {
    return new DatetimeAccessor(this);
  }
  get str(): StringAccessor {
    return new StringAccessor(this);
  }

  /** @internal used by accessors */
  _derive(name: string, fn: (...a: never[]) => Frame, args: readonly unknown[]): Series {
    return this.derive(name, fn, args);
  }

  override toString(): string {
    return `tsdask.Series<name=${this.name}, dtype=${this.dtype}, npartitions=${this.npartitions}, tasks=${this.taskCount()}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** `s.dt.year()` etc.: fields of a datetime series (UTC). */
export class DatetimeAccessor {
  constructor(private readonly s: Series) {}
  private f(field: DtField): Series {
    return this.s._derive(`dt-${field}`, dtField, [this.s, field]);
  }
  year(): Series { return this.f('year'); }
  month(): Series { return this.f('month'); }
  day(): Series { return this.f('day'); }
  dayofweek(): Series { return this.f('dayofweek'); }
  hour(): Series { return this.f('hour'); }
  minute(): Series { return this.f('minute'); }
  second(): Series { return this.f('second'); }
  dayofyear(): Series { return this.f('dayofyear'); }
  quarter(): Series { return this.f('quarter'); }
  /** Midnight of each timestamp, still a datetime. */
  date(): Series { return this.f('date'); }
}

/** `s.str.lower()` etc.: string functions, applied once per distinct value. */
export class StringAccessor {
  constructor(private readonly s: Series) {}
  private op(op: StrOp, args: unknown[] = []): Series {
    return this.s._derive(`str-${op}`, strOp, [this.s, op, args]);
  }
  lower(): Series { return this.op('lower'); }
  upper(): Series { return this.op('upper'); }
  strip(): Series { return this.op('strip'); }
  len(): Series { return this.op('len'); }
  contains(pat: string, opts: { regex?: boolean; case?: boolean; na?: boolean } = {}): Series { return this.op('contains', [pat, opts]); }
  startswith(pat: string): Series { return this.op('startswith', [pat]); }
  endswith(pat: string): Series { return this.op('endswith', [pat]); }
  replace(pat: string, repl: string, opts: { regex?: boolean } = {}): Series { return this.op('replace', [pat, repl, opts.regex ?? false]); }
  slice(start: number, end?: number): Series { return this.op('slice', [start, end]); }
}
