/**
 * The lazy DataFrame, Series and GroupBy. They return one another (a frame's column is a
 * series, a series' toFrame a frame, a groupby gives both), so they live in this one module,
 * and it is the one place where a spec becomes a collection (`wrapFrame`, `wrapSeries`; lazy
 * single values through `Scalar.of`). Every method is a call to a builder in plan/: nothing
 * runs until compute/head/length, and results come back as danfo objects.
 */
import { compute } from '../core/compute.js';
import { PartitionedCollection } from './base.js';
import { type DanfoDataFrame, type DanfoSeries, toDanfo, toDanfoSeries } from './danfo.js';
import { type Cell, type DTypeLabel, type DTypeName, dtypeLabel, type Frame } from './frame.js';
import type { ToCsvOptions } from './io/to-csv.js';
import { concatFrames } from './ops/concat.js';
import type { ArithOp } from './ops/arith.js';
import type { AggOutput } from './ops/groupby.js';
import type { CompareOp } from './ops/compare.js';
import type { DtField } from './ops/datetime.js';
import type { StrOp } from './ops/strings.js';
import * as columns from './plan/columns.js';
import { distinct, type DistinctOptions, isinSeries, unique, valueCounts, type ValueCountsOptions } from './plan/distinct.js';
import * as ew from './plan/elementwise.js';
import * as g from './plan/groupby.js';
import { type MetaLike, mapPartitions } from './plan/map-partitions.js';
import { merge, type MergeOptions } from './plan/merge.js';
import { lengthOf, repartition, sample, type SampleOptions } from './plan/partitions.js';
import { hashShuffle } from './plan/shuffle.js';
import { selectN, setIndex, type SortOptions, sortValues } from './plan/sort.js';
import { asKind } from './plan/blockwise.js';
import { type FrameSpec, isSeriesSpec } from './plan/spec.js';
import * as stats from './plan/stats.js';
import { writeCsvFiles } from './plan/to-csv.js';
import { Scalar } from './scalar.js';

/** A column value for `assign`: a lazy Series, a lazy Scalar, a constant, or a function of the frame. */
export type AssignValue = Series | Scalar | Cell | ((df: DataFrame) => Series | Scalar | Cell);

/** Anything a series operation accepts as its other side. */
export type SeriesOperand = Series | Scalar | number | string | boolean | Date | null;

/** A frame spec as a DataFrame (itself when it already is one). */
export function wrapFrame(spec: FrameSpec<'frame'>): DataFrame {
  return spec instanceof DataFrame ? spec : new DataFrame(spec.prefix, spec.npartitions, spec.meta, spec.layer, spec.source);
}

/** A series spec as a Series (itself when it already is one). */
export function wrapSeries(spec: FrameSpec<'series'>): Series {
  return spec instanceof Series ? spec : new Series(spec.prefix, spec.npartitions, spec.meta, spec.layer, spec.source);
}

export class DataFrame extends PartitionedCollection<'frame', DanfoDataFrame, DataFrame> {
  readonly kind = 'frame';

  protected wrap(spec: FrameSpec<'frame'>): DataFrame {
    return wrapFrame(spec);
  }
  protected finish(parts: Frame[]): DanfoDataFrame {
    return toDanfo(concatFrames(parts));
  }
  lengthLazy(): Scalar<number> {
    return Scalar.of(lengthOf(this));
  }

  /** Column names (known without computing). */
  get columns(): string[] {
    return [...this.meta.names];
  }

  /** Column dtypes by name (known without computing). */
  get dtypes(): Record<string, DTypeLabel> {
    const out: Record<string, DTypeLabel> = {};
    this.meta.names.forEach((n, i) => (out[n] = dtypeLabel(this.meta.columns[i])));
    return out;
  }

  // ---- selection ----
  col(name: string): Series {
    return wrapSeries(columns.col(this, name));
  }
  select(names: readonly string[]): DataFrame {
    return wrapFrame(columns.select(this, names));
  }
  /** Rows where the bool `mask` series is true. */
  filter(mask: Series): DataFrame {
    return wrapFrame(columns.filter(this, mask));
  }
  /** Label-based selection: rows by a bool mask (or null for all), columns by name. */
  loc(rows: Series | null, cols?: readonly string[] | string): DataFrame {
    return wrapFrame(columns.loc(this, rows, cols));
  }
  /** Position-based selection of columns only; rows must be null (all rows). */
  iloc(rows: null, cols?: readonly number[] | number): DataFrame {
    return wrapFrame(columns.iloc(this, rows, cols));
  }

  // ---- column edits ----
  assign(spec: Readonly<Record<string, AssignValue>>): DataFrame {
    const values: Record<string, Series | Scalar | Cell> = {};
    for (const [n, v] of Object.entries(spec)) values[n] = typeof v === 'function' ? v(this) : v;
    return wrapFrame(columns.assign(this, values));
  }
  drop(names: readonly string[] | string, opts: { errors?: 'raise' | 'ignore' } = {}): DataFrame {
    return wrapFrame(columns.drop(this, names, opts.errors));
  }
  rename(mapping: Readonly<Record<string, string>> | { columns: Readonly<Record<string, string>> }): DataFrame {
    return wrapFrame(columns.rename(this, mapping));
  }
  astype(dtypes: DTypeName | Readonly<Record<string, DTypeName>>): DataFrame {
    return wrapFrame(columns.astype(this, dtypes));
  }
  /** Columns whose dtype matches include (and not exclude): dtype names, 'number', 'object'. */
  selectDtypes(opts: { include?: string | readonly string[]; exclude?: string | readonly string[] }): DataFrame {
    return wrapFrame(columns.selectDtypes(this, opts));
  }

  // ---- missing values ----
  isna(): DataFrame {
    return wrapFrame(ew.isna(this, 1));
  }
  isnull(): DataFrame {
    return this.isna();
  }
  notna(): DataFrame {
    return wrapFrame(ew.isna(this, 0));
  }
  notnull(): DataFrame {
    return this.notna();
  }
  fillna(value: Cell | Readonly<Record<string, Cell>>): DataFrame {
    return wrapFrame(ew.fillna(this, value));
  }
  dropna(opts: { subset?: readonly string[]; how?: 'any' | 'all' } = {}): DataFrame {
    return wrapFrame(ew.dropna(this, opts.subset ?? null, opts.how));
  }

  // ---- reductions (Series indexed by column name) ----
  /** Non-missing values per column. */
  count(): Series {
    return wrapSeries(stats.frameStat(this, 'count'));
  }
  sum(): Series {
    return wrapSeries(stats.frameStat(this, 'sum'));
  }
  mean(): Series {
    return wrapSeries(stats.frameStat(this, 'mean'));
  }
  min(): Series {
    return wrapSeries(stats.frameStat(this, 'min'));
  }
  max(): Series {
    return wrapSeries(stats.frameStat(this, 'max'));
  }
  var(opts: { ddof?: number } = {}): Series {
    return wrapSeries(stats.frameStat(this, 'var', opts.ddof ?? 1));
  }
  std(opts: { ddof?: number } = {}): Series {
    return wrapSeries(stats.frameStat(this, 'std', opts.ddof ?? 1));
  }
  nunique(): Series {
    return wrapSeries(stats.frameNunique(this));
  }
  any(): Series {
    return wrapSeries(stats.frameAnyAll(this, 'any'));
  }
  all(): Series {
    return wrapSeries(stats.frameAnyAll(this, 'all'));
  }

  /** Exact quantile(s) of the numeric columns: one q gives a Series, several a DataFrame indexed by q. */
  quantile(q: number): Series;
  quantile(q: readonly number[]): DataFrame;
  quantile(q: number | readonly number[]): Series | DataFrame {
    return typeof q === 'number' ? wrapSeries(stats.frameQuantile(this, q)) : wrapFrame(stats.frameQuantiles(this, q));
  }
  median(): Series {
    return this.quantile(0.5);
  }
  /** count, mean, std, min, 25%, 50%, 75%, max of the numeric columns (exact quartiles). */
  describe(opts: { percentiles?: readonly number[] } = {}): DataFrame {
    return wrapFrame(stats.describe(this, opts.percentiles));
  }

  // ---- groupby, merge, sorting, duplicates, shuffle ----
  groupby(by: string | readonly string[] | Series, opts: g.GroupByOptions = {}): GroupBy {
    return new GroupBy(g.groupby(this, by, opts));
  }
  merge(right: DataFrame, opts: MergeOptions = {}): DataFrame {
    return wrapFrame(merge(this, right, opts));
  }
  nlargest(n: number, columns: string | readonly string[]): DataFrame {
    return wrapFrame(selectN(this, n, typeof columns === 'string' ? [columns] : columns, true));
  }
  nsmallest(n: number, columns: string | readonly string[]): DataFrame {
    return wrapFrame(selectN(this, n, typeof columns === 'string' ? [columns] : columns, false));
  }
  sortValues(by: string | readonly string[], opts: SortOptions = {}): DataFrame {
    return wrapFrame(sortValues(this, typeof by === 'string' ? [by] : by, opts));
  }
  setIndex(column: string, opts: { drop?: boolean; npartitions?: number } = {}): DataFrame {
    return wrapFrame(setIndex(this, column, opts));
  }
  /** Rows with duplicates removed (pandas' drop_duplicates). */
  distinct(opts: DistinctOptions = {}): DataFrame {
    return wrapFrame(distinct(this, opts));
  }
  dropDuplicates(opts: DistinctOptions = {}): DataFrame {
    return this.distinct(opts);
  }
  /** Repartition by the hash of columns: equal keys end up in the same partition. */
  shuffle(on: string | readonly string[], opts: { npartitions?: number } = {}): DataFrame {
    return wrapFrame(hashShuffle(this, typeof on === 'string' ? [on] : on, opts.npartitions));
  }

  // ---- partitions ----
  /** A random fraction of rows from every partition (reproducible with randomState). */
  sample(opts: SampleOptions): DataFrame {
    return wrapFrame(sample(this, opts));
  }
  /** Fewer partitions (consecutive ones concatenated) or more (each split into equal row ranges). */
  repartition(opts: { npartitions: number }): DataFrame {
    return wrapFrame(repartition(this, opts.npartitions));
  }
  /**
   * Apply `fn` to every partition as a danfo.DataFrame; it returns a danfo DataFrame or
   * Series. The output schema comes from `meta` (a danfo frame or { column: dtype }) or, if
   * absent, from running `fn` on a two-row stand-in frame.
   */
  mapPartitions(fn: (part: DanfoDataFrame) => unknown, opts: { meta?: MetaLike } = {}): DataFrame {
    return wrapFrame(mapPartitions(this, fn, opts.meta));
  }

  /** Write one CSV file per partition; `*` in the pattern becomes the partition number. */
  async toCsv(pattern: string, opts: ToCsvOptions & { scheduler?: 'sync' | 'threads' | 'processes' } = {}): Promise<string[]> {
    const { scheduler, ...csv } = opts;
    const [out] = await compute(writeCsvFiles(this, pattern, csv), scheduler ? { scheduler } : {});
    return out;
  }

  /** Lazy structure, like Dask's repr: partitions, columns, dtypes, tasks. */
  override toString(): string {
    const width = Math.max(4, ...this.meta.names.map((n) => n.length));
    const rows = this.meta.names.map((n, i) => `  ${n.padEnd(width)}  ${dtypeLabel(this.meta.columns[i])}`);
    return [`tsdask.DataFrame  npartitions=${this.npartitions}`, ...rows, `Tasks: ${this.taskCount()} (${this.layerNames()})`].join('\n');
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export class Series extends PartitionedCollection<'series', DanfoSeries, Series> {
  readonly kind = 'series';

  protected wrap(spec: FrameSpec<'series'>): Series {
    return wrapSeries(spec);
  }
  protected finish(parts: Frame[]): DanfoSeries {
    return toDanfoSeries(concatFrames(parts));
  }
  lengthLazy(): Scalar<number> {
    return Scalar.of(lengthOf(this));
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
  /** A one-column DataFrame with the same partitions. */
  toFrame(): DataFrame {
    return wrapFrame(asKind(this, 'frame'));
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
  min(): Scalar<number> {
    return Scalar.of(stats.seriesStat(this, 'min'));
  }
  max(): Scalar<number> {
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
   * Apply `fn` to every value (null for missing). The output dtype is `opts.meta` or inferred
   * by calling `fn` on two stand-in values of this series' dtype.
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
  contains(pat: string, opts: { regex?: boolean; case?: boolean; na?: boolean } = {}): Series {
    return this.op('contains', [pat, opts]);
  }
  startswith(pat: string): Series {
    return this.op('startswith', [pat]);
  }
  endswith(pat: string): Series {
    return this.op('endswith', [pat]);
  }
  replace(pat: string, repl: string, opts: { regex?: boolean } = {}): Series {
    return this.op('replace', [pat, repl, opts.regex ?? false]);
  }
  slice(start: number, end?: number): Series {
    return this.op('slice', [start, end]);
  }
}

/**
 * A grouping of a frame (`ddf.groupby('k')`); an aggregation builds the graph (plan/groupby.ts).
 * Results: the group keys as leading columns, then the aggregates, sorted by key within each
 * output partition; one-column aggregations give a Series indexed by the key.
 */
export class GroupBy {
  constructor(private readonly plan: g.GroupByPlan) {}

  /** Key columns as they appear in results. */
  get by(): readonly string[] {
    return this.plan.by;
  }

  /** Run a list of outputs; the core every other aggregation goes through. */
  aggregate(outputs: readonly AggOutput[]): DataFrame {
    return wrapFrame(g.aggregate(this.plan, outputs));
  }
  /** Only these value columns: `g.select(['a', 'b']).max()`. */
  select(columns: readonly string[]): GroupBy {
    return new GroupBy(g.selectColumns(this.plan, columns));
  }
  /** One value column: `g.col('ArrDelay').min()`. */
  col(column: string): SeriesGroupBy {
    g.checkColumn(this.plan, column);
    return new SeriesGroupBy(this.plan, column);
  }
  /**
   * `{ Score: 'mean' }` keeps the name; `{ AnswerCount: ['sum', 'count'] }` gives
   * AnswerCount_sum, AnswerCount_count; `{ AverageScore: { column: 'Score', agg: 'mean' } }`
   * names the output. A single function or list applies to every value column.
   */
  agg(spec: g.AggSpec | g.AggName | readonly g.AggName[]): DataFrame {
    return wrapFrame(g.agg(this.plan, spec));
  }

  sum(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'sum'));
  }
  mean(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'mean'));
  }
  count(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'count'));
  }
  min(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'min'));
  }
  max(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'max'));
  }
  std(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'std'));
  }
  var(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'var'));
  }
  nunique(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'nunique'));
  }
  first(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'first'));
  }
  last(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'last'));
  }
  /** Rows per group, as a Series indexed by the key (like pandas). */
  size(): Series {
    return wrapSeries(g.size(this.plan));
  }

  toString(): string {
    return `tsdask.GroupBy<by=[${this.plan.by.join(', ')}], npartitions=${this.plan.frame.npartitions}>`;
  }
}

/** Aggregations of one column, giving a Series indexed by the group key. */
export class SeriesGroupBy {
  constructor(
    private readonly plan: g.GroupByPlan,
    readonly column: string,
  ) {}

  private one(fn: g.AggName): Series {
    return wrapSeries(g.aggColumn(this.plan, this.column, fn));
  }
  sum(): Series {
    return this.one('sum');
  }
  mean(): Series {
    return this.one('mean');
  }
  count(): Series {
    return this.one('count');
  }
  min(): Series {
    return this.one('min');
  }
  max(): Series {
    return this.one('max');
  }
  std(): Series {
    return this.one('std');
  }
  var(): Series {
    return this.one('var');
  }
  nunique(): Series {
    return this.one('nunique');
  }
  first(): Series {
    return this.one('first');
  }
  last(): Series {
    return this.one('last');
  }
  size(): Series {
    return wrapSeries(g.size(this.plan));
  }

  /** One function: a Series; several: a DataFrame with keys and one column per function. */
  agg(fn: g.AggName): Series;
  agg(fns: readonly g.AggName[]): DataFrame;
  agg(fn: g.AggName | readonly g.AggName[]): Series | DataFrame {
    return typeof fn === 'string' ? this.one(fn) : wrapFrame(g.aggColumnAll(this.plan, this.column, fn));
  }
}
