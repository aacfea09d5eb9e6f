/**
 * The lazy DataFrame. Every method is a call to a builder in plan/: nothing runs until
 * compute/head/length, and results come back as danfo objects.
 */
import { compute } from '../../core/compute.js';
import { PartitionedCollection } from './base.js';
import { type DanfoDataFrame, toDanfo } from '../danfo.js';
import { type Cell, type DTypeLabel, type DTypeName, dtypeLabel, type Frame } from '../frame.js';
import type { ToCsvOptions } from '../io/to-csv.js';
import { concatFrames } from '../ops/concat.js';
import * as columns from '../plan/columns.js';
import { distinct, type DistinctOptions } from '../plan/distinct.js';
import * as ew from '../plan/elementwise.js';
import { type MetaLike, mapPartitions } from '../plan/map-partitions.js';
import { merge, type MergeOptions } from '../plan/merge.js';
import { repartition, sample, type SampleOptions } from '../plan/partitions.js';
import { hashShuffle } from '../plan/shuffle.js';
import { selectN, setIndex, type SortOptions, sortValues } from '../plan/sort.js';
import { asKind } from '../plan/blockwise.js';
import type { FrameSpec } from '../plan/spec.js';
import * as stats from '../plan/stats.js';
import { writeCsvFiles } from '../plan/to-csv.js';
import type { Scalar } from './scalar.js';
import { Series, wrapSeries } from './series.js';

/** A column value for `assign`: a lazy Series, a lazy Scalar, a constant, or a function of the frame. */
export type AssignValue = Series | Scalar | Cell | ((df: DataFrame) => Series | Scalar | Cell);

/** A frame spec as a DataFrame (itself when it already is one). */
export function wrapFrame(spec: FrameSpec<'frame'>): DataFrame {
  return spec instanceof DataFrame ? spec : new DataFrame(spec.prefix, spec.npartitions, spec.meta, spec.layer, spec.source);
}

export class DataFrame extends PartitionedCollection<'frame', DanfoDataFrame, DataFrame> {
  readonly kind = 'frame';

  protected wrap(spec: FrameSpec<'frame'>): DataFrame {
    return wrapFrame(spec);
  }
  protected finish(parts: Frame[]): DanfoDataFrame {
    return toDanfo(concatFrames(parts));
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
  /**
   * Smallest value of every column, strings (code-point order), bools and dates included, as
   * pandas; the Series' dtype is the columns' common one (numbers with strings or dates: string).
   */
  min(): Series {
    return wrapSeries(stats.frameStat(this, 'min'));
  }
  /** Largest value of every column, as `min`. */
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
  /** count, mean, std, min, 25%, 50%, 75%, max of the numeric columns (exact); other `percentiles` get 50% added, as in pandas. */
  describe(opts: { percentiles?: readonly number[] } = {}): DataFrame {
    return wrapFrame(stats.describe(this, opts.percentiles));
  }

  // ---- groupby, merge, sorting, duplicates, shuffle ----
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

// Series and DataFrame return one another, and a type-only import counts as a cycle
// (test/architecture/cycles.test.ts). So series.ts knows nothing of frames, and the one
// method of Series that gives a frame is declared and defined here, above both classes.
declare module './series.js' {
  interface Series {
    /** A one-column DataFrame with the same partitions. */
    toFrame(): DataFrame;
  }
}
Series.prototype.toFrame = function toFrame(this: Series): DataFrame {
  return wrapFrame(asKind(this, 'frame'));
};
