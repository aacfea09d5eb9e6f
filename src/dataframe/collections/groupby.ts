/**
 * GroupBy and SeriesGroupBy: the aggregations of a grouped frame. `DataFrame.groupby` is
 * defined here, above both DataFrame and GroupBy (see the note at the end).
 */
import type { AggOutput } from '../ops/groupby.js';
import * as g from '../plan/groupby.js';
import { DataFrame, wrapFrame } from './dataframe.js';
import { type Series, wrapSeries } from './series.js';

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

// DataFrame.groupby gives a GroupBy, whose aggregations give DataFrames: declared and defined
// here so that dataframe.ts need not import this module (no cycle, type-only imports included).
declare module './dataframe.js' {
  interface DataFrame {
    groupby(by: string | readonly string[] | Series, opts?: g.GroupByOptions): GroupBy;
  }
}
DataFrame.prototype.groupby = function groupby(this: DataFrame, by: string | readonly string[] | Series, opts: g.GroupByOptions = {}): GroupBy {
  return new GroupBy(g.groupby(this, by, opts));
};
