/**
 * GroupBy and SeriesGroupBy: the aggregations of a grouped frame. `DataFrame.groupby` is
 * defined here, above both DataFrame and GroupBy (see the note at the end).
 *
 * A one-column aggregation (`g.col('x').mean()`, `g.size()`) gives a Series indexed by the key
 * when there is one key, and a DataFrame with the keys as leading columns, each with its own
 * dtype, when there are several (danfo has no multi-level index). `R` is that result's type:
 * `ddf.groupby('k')` and `groupby(['k'])` give GroupBy<Series>, a literal list of two or more
 * keys GroupBy<DataFrame>, any other list GroupBy<Series | DataFrame>.
 */
import type { AggOutput } from '../ops/groupby.js';
import * as g from '../plan/groupby.js';
import { DataFrame, wrapFrame } from './dataframe.js';
import { type Series, wrapSeries } from './series.js';

/** How a one-column aggregation comes back: as a Series (one key) or a DataFrame (several). */
interface OneColumnResult<R> {
  agg(plan: g.GroupByPlan, column: string, fn: g.AggName): R;
  size(plan: g.GroupByPlan): R;
  corr(plan: g.GroupByPlan, column: string, other: string): R;
}

const AS_SERIES: OneColumnResult<Series> = {
  agg: (plan, column, fn) => wrapSeries(g.aggColumn(plan, column, fn)),
  size: (plan) => wrapSeries(g.size(plan)),
  corr: (plan, column, other) => wrapSeries(g.corrSeries(plan, column, other)),
};

const AS_FRAME: OneColumnResult<DataFrame> = {
  agg: (plan, column, fn) => wrapFrame(g.aggColumnFrame(plan, column, fn)),
  size: (plan) => wrapFrame(g.sizeFrame(plan)),
  corr: (plan, column, other) => wrapFrame(g.corrFrame(plan, column, other)),
};

/**
 * A grouping of a frame (`ddf.groupby('k')`); an aggregation builds the graph (plan/groupby.ts).
 * Results: the group keys as leading columns, then the aggregates, sorted by key within each
 * output partition; one-column aggregations: see the note at the top.
 */
export class GroupBy<R extends Series | DataFrame = Series | DataFrame> {
  constructor(
    private readonly plan: g.GroupByPlan,
    private readonly result: OneColumnResult<R>,
  ) {}

  /** Key columns as they appear in results. */
  get by(): readonly string[] {
    return this.plan.by;
  }

  /** Run a list of outputs; the core every other aggregation goes through. */
  aggregate(outputs: readonly AggOutput[]): DataFrame {
    return wrapFrame(g.aggregate(this.plan, outputs));
  }
  /** Only these value columns: `g.select(['a', 'b']).max()`. */
  select(columns: readonly string[]): GroupBy<R> {
    return new GroupBy(g.selectColumns(this.plan, columns), this.result);
  }
  /** One value column: `g.col('ArrDelay').min()`. */
  col(column: string): SeriesGroupBy<R> {
    g.checkColumn(this.plan, column);
    return new SeriesGroupBy(this.plan, column, this.result);
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
  /** Exact median of every numeric value column (holistic: each group's values meet in one task). */
  median(): DataFrame {
    return wrapFrame(g.aggAll(this.plan, 'median'));
  }
  /** Rows per group, like pandas: a Series indexed by the key, or (several keys) the keys and `size`. */
  size(): R {
    return this.result.size(this.plan);
  }

  toString(): string {
    return `tsdask.GroupBy<by=[${this.plan.by.join(', ')}], npartitions=${this.plan.frame.npartitions}>`;
  }
}

/**
 * Aggregations of one column: a Series indexed by the group key, or with several keys a
 * DataFrame of the keys and the values (named after the column; `column_fn` if it is a key).
 */
export class SeriesGroupBy<R extends Series | DataFrame = Series | DataFrame> {
  constructor(
    private readonly plan: g.GroupByPlan,
    readonly column: string,
    private readonly result: OneColumnResult<R>,
  ) {}

  private one(fn: g.AggName): R {
    return this.result.agg(this.plan, this.column, fn);
  }
  sum(): R {
    return this.one('sum');
  }
  mean(): R {
    return this.one('mean');
  }
  count(): R {
    return this.one('count');
  }
  min(): R {
    return this.one('min');
  }
  max(): R {
    return this.one('max');
  }
  std(): R {
    return this.one('std');
  }
  var(): R {
    return this.one('var');
  }
  nunique(): R {
    return this.one('nunique');
  }
  first(): R {
    return this.one('first');
  }
  last(): R {
    return this.one('last');
  }
  /** Exact median per group. */
  median(): R {
    return this.one('median');
  }
  /** Pearson correlation with another column per group (pandas' `g[col].corr(df[other])`), over rows where both are present. */
  corr(other: string): R {
    return this.result.corr(this.plan, this.column, other);
  }
  /** The n largest values per group: keys, then this column; groups by key, largest first. */
  nlargest(n = 5): DataFrame {
    return wrapFrame(g.topN(this.plan, this.column, n, true));
  }
  /** The n smallest values per group: keys, then this column; groups by key, smallest first. */
  nsmallest(n = 5): DataFrame {
    return wrapFrame(g.topN(this.plan, this.column, n, false));
  }
  size(): R {
    return this.result.size(this.plan);
  }

  /** One function: as the methods above; several: a DataFrame with keys and one column per function. */
  agg(fn: g.AggName): R;
  agg(fns: readonly g.AggName[]): DataFrame;
  agg(fn: g.AggName | readonly g.AggName[]): R | DataFrame {
    return typeof fn === 'string' ? this.one(fn) : wrapFrame(g.aggColumnAll(this.plan, this.column, fn));
  }
}

/** The keys a groupby takes. */
type GroupKeys = string | readonly string[] | Series;

// DataFrame.groupby gives a GroupBy, whose aggregations give DataFrames: declared and defined
// here so that dataframe.ts need not import this module (no cycle, type-only imports included).
declare module './dataframe.js' {
  interface DataFrame {
    groupby(by: string | Series | readonly [string], opts?: g.GroupByOptions): GroupBy<Series>;
    groupby(by: readonly [string, string, ...string[]], opts?: g.GroupByOptions): GroupBy<DataFrame>;
    groupby(by: GroupKeys, opts?: g.GroupByOptions): GroupBy;
  }
}

function groupby(this: DataFrame, by: string | Series | readonly [string], opts?: g.GroupByOptions): GroupBy<Series>;
function groupby(this: DataFrame, by: readonly [string, string, ...string[]], opts?: g.GroupByOptions): GroupBy<DataFrame>;
function groupby(this: DataFrame, by: GroupKeys, opts?: g.GroupByOptions): GroupBy;
function groupby(this: DataFrame, by: GroupKeys, opts: g.GroupByOptions = {}): GroupBy<Series> | GroupBy<DataFrame> {
  const plan = g.groupby(this, by, opts);
  return plan.by.length === 1 ? new GroupBy(plan, AS_SERIES) : new GroupBy(plan, AS_FRAME);
}
DataFrame.prototype.groupby = groupby;
