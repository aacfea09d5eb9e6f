/**
 * The lazy Series and its `dt`/`str` accessors (they return Series). `toFrame` is added by
 * dataframe.ts, which sits above this module: see the note there.
 */
import { PartitionedCollection } from './base.js';
import { type DanfoSeries, toDanfoSeries } from '../danfo.js';
import { type Cell, type DTypeLabel, type DTypeName, dtypeLabel, type Frame } from '../frame.js';
import { concatFrames } from '../ops/concat.js';
import type { ArithOp } from '../ops/arith.js';
import type { CompareOp } from '../ops/compare.js';
import type { DtField } from '../ops/datetime.js';
import type { StrOp, StrTestOptions } from '../ops/strings.js';
import { isinSeries, unique, valueCounts, type ValueCountsOptions } from '../plan/distinct.js';
import * as ew from '../plan/elementwise.js';
import { selectN, sortValues } from '../plan/sort.js';
import { type FrameSpec, isSeriesSpec } from '../plan/spec.js';
import * as stats from '../plan/stats.js';
import { Scalar } from './scalar.js';

/** Anything a series operation accepts as its other side. */
export type SeriesOperand = Series | Scalar | number | string | boolean | Date | null;

/** A series spec as a Series (itself when it already is one). */
export function wrapSeries(spec: FrameSpec<'series'>): Series {
  return spec instanceof Series ? spec : new Series(spec.prefix, spec.npartitions, spec.meta, spec.layer, spec.source);
}

export class Series extends PartitionedCollection<'series', DanfoSeries, Series> {
  readonly kind = 'series';

  protected wrap(spec: FrameSpec<'series'>): Series {
    return wrapSeries(spec);
  }
  protected finish(parts: Frame[]): DanfoSeries {
    return toDanfoSeries(concatFrames(parts));
  }

  get name(): string {
    return this.meta.names[0];
  }
  get dtype(): DTypeLabel {
    return dtypeLabel(this.meta.columns[0]);
  }

  // ---- arithmetic and comparison ----
  private arith(o: SeriesOperand, op: ArithOp): Series {
    return wrapSeries(ew.arith(this, o, op));
  }
  add(o: SeriesOperand): Series {
    return this.arith(o, 'add');
  }
  sub(o: SeriesOperand): Series {
    return this.arith(o, 'sub');
  }
  mul(o: SeriesOperand): Series {
    return this.arith(o, 'mul');
  }
  div(o: SeriesOperand): Series {
    return this.arith(o, 'div');
  }
  mod(o: SeriesOperand): Series {
    return this.arith(o, 'mod');
  }
  pow(o: SeriesOperand): Series {
    return this.arith(o, 'pow');
  }
  neg(): Series {
    return wrapSeries(ew.neg(this));
  }

  private cmp(o: SeriesOperand, op: CompareOp): Series {
    return wrapSeries(ew.compare(this, o, op));
  }
  gt(o: SeriesOperand): Series {
    return this.cmp(o, 'gt');
  }
  ge(o: SeriesOperand): Series {
    return this.cmp(o, 'ge');
  }
  lt(o: SeriesOperand): Series {
    return this.cmp(o, 'lt');
  }
  le(o: SeriesOperand): Series {
    return this.cmp(o, 'le');
  }
  eq(o: SeriesOperand): Series {
    return this.cmp(o, 'eq');
  }
  ne(o: SeriesOperand): Series {
    return this.cmp(o, 'ne');
  }
  and(o: Series | boolean): Series {
    return wrapSeries(ew.logic(this, o, 'and'));
  }
  or(o: Series | boolean): Series {
    return wrapSeries(ew.logic(this, o, 'or'));
  }
  xor(o: Series | boolean): Series {
    return wrapSeries(ew.logic(this, o, 'xor'));
  }
  not(): Series {
    return wrapSeries(ew.not(this));
  }

  // ---- missing values, membership, types ----
  isna(): Series {
    return wrapSeries(ew.isna(this, 1));
  }
  isnull(): Series {
    return this.isna();
  }
  notna(): Series {
    return wrapSeries(ew.isna(this, 0));
  }
  notnull(): Series {
    return this.notna();
  }
  fillna(value: Cell): Series {
    return wrapSeries(ew.fillna(this, value));
  }
  dropna(): Series {
    return wrapSeries(ew.dropna(this));
  }
  /** Membership in a list of values, or in the values of another (lazy) Series. */
  isin(values: readonly Cell[] | Series): Series {
    return wrapSeries(isSeriesSpec(values) ? isinSeries(this, values) : ew.isin(this, values));
  }
  between(lo: Cell, hi: Cell, inclusive: 'both' | 'neither' | 'left' | 'right' = 'both'): Series {
    return wrapSeries(ew.between(this, lo, hi, inclusive));
  }
  astype(dtype: DTypeName): Series {
    return wrapSeries(ew.astype(this, dtype));
  }
  rename(name: string): Series {
    return wrapSeries(ew.rename(this, name));
  }
  /** Rows where `mask` is true. */
  filter(mask: Series): Series {
    return wrapSeries(ew.filter(this, mask));
  }

  // ---- reductions ----
  count(): Scalar<number> {
    return Scalar.of(stats.seriesStat(this, 'count'));
  }
  sum(): Scalar<number> {
    return Scalar.of(stats.seriesStat(this, 'sum'));
  }
  mean(): Scalar<number> {
    return Scalar.of(stats.seriesStat(this, 'mean'));
  }
  /**
   * Smallest value, missing skipped: a number, or for a datetime series a Date, for a bool
   * series a boolean, for a string series a string (code-point order, as Python's). The type
   * parameter names which: `s.min<string>()`.
   */
  min<T extends Cell = number>(): Scalar<T> {
    return Scalar.of(stats.seriesStat(this, 'min'));
  }
  /** Largest value, as `min`. */
  max<T extends Cell = number>(): Scalar<T> {
    return Scalar.of(stats.seriesStat(this, 'max'));
  }
  var(opts: { ddof?: number } = {}): Scalar<number> {
    return Scalar.of(stats.seriesStat(this, 'var', opts.ddof ?? 1));
  }
  std(opts: { ddof?: number } = {}): Scalar<number> {
    return Scalar.of(stats.seriesStat(this, 'std', opts.ddof ?? 1));
  }
  any(): Scalar<boolean> {
    return Scalar.of(stats.seriesAnyAll(this, 'any'));
  }
  all(): Scalar<boolean> {
    return Scalar.of(stats.seriesAnyAll(this, 'all'));
  }
  nunique(): Scalar<number> {
    return Scalar.of(stats.seriesNunique(this));
  }
  /** Distinct non-missing values as a lazy list. */
  uniqueLazy(): Scalar<Cell[]> {
    return Scalar.of(stats.distinctList(this));
  }
  /** Exact quantile (linear interpolation, like pandas). */
  quantile(q: number): Scalar<number> {
    return Scalar.of(stats.seriesQuantile(this, q));
  }
  median(): Scalar<number> {
    return this.quantile(0.5);
  }

  // ---- distinct values and ordering ----
  /** Counts per distinct value, largest first; the values are the index. */
  valueCounts(opts: ValueCountsOptions = {}): Series {
    return wrapSeries(valueCounts(this, opts));
  }
  /** Distinct values in order of first appearance. */
  unique(): Series {
    return wrapSeries(unique(this));
  }
  nlargest(n = 5): Series {
    return wrapSeries(selectN(this, n, [this.name], true));
  }
  nsmallest(n = 5): Series {
    return wrapSeries(selectN(this, n, [this.name], false));
  }
  sortValues(opts: { ascending?: boolean; npartitions?: number } = {}): Series {
    return wrapSeries(sortValues(this, [this.name], opts));
  }

  /**
   * Apply `fn` to every value (null for missing). The output dtype is `opts.meta`, or inferred
   * by calling `fn` on two stand-in values of this series' dtype (as Dask infers meta); without
   * `meta`, each partition widens to what its real values need (int -> float64, other kinds
   * as the values say) rather than failing.
   */
  map(fn: (value: Cell) => Cell, opts: { meta?: DTypeName } = {}): Series {
    return wrapSeries(ew.map(this, fn, opts.meta));
  }

  // ---- accessors ----
  get dt(): DatetimeAccessor {
    return new DatetimeAccessor(this);
  }
  get str(): StringAccessor {
    return new StringAccessor(this);
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
    return wrapSeries(ew.dt(this.s, field));
  }
  year(): Series {
    return this.f('year');
  }
  month(): Series {
    return this.f('month');
  }
  day(): Series {
    return this.f('day');
  }
  dayofweek(): Series {
    return this.f('dayofweek');
  }
  hour(): Series {
    return this.f('hour');
  }
  minute(): Series {
    return this.f('minute');
  }
  second(): Series {
    return this.f('second');
  }
  dayofyear(): Series {
    return this.f('dayofyear');
  }
  quarter(): Series {
    return this.f('quarter');
  }
  /** Midnight of each timestamp, still a datetime. */
  date(): Series {
    return this.f('date');
  }
}

/** `s.str.lower()` etc.: string functions, applied once per distinct value. */
export class StringAccessor {
  constructor(private readonly s: Series) {}
  private op(op: StrOp, args: unknown[] = []): Series {
    return wrapSeries(ew.str(this.s, op, args));
  }
  lower(): Series {
    return this.op('lower');
  }
  upper(): Series {
    return this.op('upper');
  }
  strip(): Series {
    return this.op('strip');
  }
  len(): Series {
    return this.op('len');
  }
  // The tests below give a bool series where a missing value stays missing (as pandas), unless
  // `na` says what it tests as: `{ na: false }` drops those rows from a filter explicitly.
  /** Whether each value contains `pat` (a regular expression unless `regex: false`). */
  contains(pat: string, opts: StrTestOptions = {}): Series {
    return this.op('contains', [pat, opts]);
  }
  /** Whether the regular expression `pat` matches at the start of each value (Python's re.match). */
  match(pat: string, opts: Omit<StrTestOptions, 'regex'> = {}): Series {
    return this.op('match', [pat, opts]);
  }
  /** Whether each value starts with `pat` (or with any of several). */
  startswith(pat: string | readonly string[], opts: Pick<StrTestOptions, 'na'> = {}): Series {
    return this.op('startswith', [pat, opts]);
  }
  endswith(pat: string | readonly string[], opts: Pick<StrTestOptions, 'na'> = {}): Series {
    return this.op('endswith', [pat, opts]);
  }
  replace(pat: string, repl: string, opts: { regex?: boolean } = {}): Series {
    return this.op('replace', [pat, repl, opts.regex ?? false]);
  }
  slice(start: number, end?: number): Series {
    return this.op('slice', [start, end]);
  }
}
