/**
 * Lazy groupby. `ddf.groupby('k')` records the keys; an aggregation builds the graph:
 *
 *  - splitOut = 1 (few groups, the default for few partitions): a tree reduction of
 *    per-partition partial aggregates into one output partition;
 *  - splitOut > 1 (many groups): each partition's partial aggregate is hash-split by key and
 *    shuffled into splitOut output partitions, each finishing its own groups.
 *
 * Either way a partition is reduced to one row per group before anything moves, so a key
 * holding 40% of the rows costs one row per partition, not 40% of the data.
 * Results: a DataFrame with the group keys as leading columns, then the aggregates, sorted
 * by key within each output partition; series aggregations (`g.col('x').min()`, `g.size()`)
 * give a Series indexed by the key.
 */
import { kernel } from '../core/kernels.js';
import { DataFrame, fromSingleKey } from './dataframe.js';
import { type Column, Frame, getCell, isNumberLike } from './frame.js';
import { blockwise, inferMeta, treeReduce } from './graph.js';
import { AGG_NAMES, type AggName, type AggOutput, groupbyChunk, groupbyChunkSplit, groupbyCombine, groupbyFinalize, groupbyResplit, groupChunk, groupFinalize, type GroupSpec, validateSpec } from './ops/groupby.js';
import { Series } from './series.js';
import { shuffleLayer } from './shuffle.js';

export type { AggName };

/** A named aggregation: `{ AverageScore: { column: 'Score', agg: 'mean' } }`. */
export interface NamedAgg {
  column: string;
  agg: AggName;
}

/** Per column: one function (keeps the column name), a list (`col_fn` names), or a named aggregation. */
export type AggSpec = Readonly<Record<string, AggName | readonly AggName[] | NamedAgg>>;

export interface GroupByOptions {
  /** Drop groups whose key is missing (default true, as pandas). */
  dropna?: boolean;
  /** Sort groups by key (default true; with splitOut > 1, within each output partition). */
  sort?: boolean;
  /**
   * Output partitions. 1 = tree reduction into one partition; more = hash shuffle of partial
   * aggregates (use for many groups). Default: 1 below 16 input partitions, then one output
   * per 15 inputs (Dask's rule of thumb).
   */
  splitOut?: number;
  /** Partials combined per tree level (default 8). */
  splitEvery?: number;
}

/** Several keys as one label per group, "(k1, k2)" like a printed pandas tuple. */
function tupleLabels(cols: readonly Column[], n: number): Column {
  const dict: string[] = [];
  const codes = new Int32Array(n);
  const text = (c: Column, i: number) => {
    const v = getCell(c, i);
    return v instanceof Date ? v.toISOString() : String(v);
  };
  for (let i = 0; i < n; i++) {
    codes[i] = dict.length;
    dict.push(`(${cols.map((c) => text(c, i)).join(', ')})`);
  }
  return { dtype: 'string', data: codes, dict };
}

/** A groupby result frame as a Series of `value` (named `name`) indexed by the key. */
const toSeries = kernel('dataframe.groupby.to-series', (f: Frame, by: readonly string[], value: string, name: string = value): Frame => {
  const index = by.length === 1 ? f.col(by[0]) : tupleLabels(by.map((b) => f.col(b)), f.length);
  return new Frame([name], [f.col(value)], f.length, index);
});

export class GroupBy {
  /** Key columns as they appear in results. */
  readonly by: readonly string[];
  /** Key columns in the frame grouped (a Series key is assigned as a column first). */
  private readonly keys: readonly string[];
  private readonly frame: DataFrame;

  constructor(
    frame: DataFrame,
    by: string | readonly string[] | Series,
    private readonly opts: GroupByOptions = {},
    /** Value columns (a `select`); all non-key columns when undefined. */
    private readonly columns?: readonly string[],
    /** Result names of hidden key columns (set by `select` on a Series-keyed groupby). */
    shownAs?: readonly string[],
  ) {
    if (by instanceof Series) {
      // groupby(ddf.col('Date').dt.year()): the series becomes a key column named after it;
      // a hidden name while grouping keeps it apart from a data column of the same name.
      const hidden = frame.meta.has(by.name) ? `\u0002${by.name}` : by.name;
      this.frame = frame.assign({ [hidden]: by });
      this.keys = [hidden];
      this.by = [by.name];
    } else {
      this.frame = frame;
      this.keys = typeof by === 'string' ? [by] : [...by];
      this.by = shownAs ?? this.keys;
    }
    if (this.keys.length === 0) throw new TypeError('groupby: give at least one key column');
    for (const k of this.keys) if (!this.frame.meta.has(k)) this.frame.meta.col(k);
    for (const c of columns ?? []) if (!this.frame.meta.has(c)) this.frame.meta.col(c);
  }

  /** Value columns an aggregation covers. */
  private valueColumns(): string[] {
    return (this.columns ?? this.frame.meta.names).filter((n) => !this.keys.includes(n));
  }

  /** Only these value columns: `g.select(['a', 'b']).max()`. */
  select(columns: readonly string[]): GroupBy {
    return new GroupBy(this.frame, this.keys, this.opts, [...columns], this.by);
  }

  /** One value column: `g.col('ArrDelay').min()`. */
  col(column: string): SeriesGroupBy {
    if (!this.frame.meta.has(column)) this.frame.meta.col(column);
    return new SeriesGroupBy(this, column);
  }

  /** Run a list of outputs; the core every other method goes through. */
  aggregate(outputs: readonly AggOutput[]): DataFrame {
    if (outputs.length === 0) throw new TypeError('groupby: nothing to aggregate (no value columns)');
    const spec: GroupSpec = { by: this.keys, outputs: [...outputs], dropna: this.opts.dropna ?? true, sort: this.opts.sort ?? true, ddof: 1 };
    const input = this.frame.select([...new Set([...this.keys, ...outputs.filter((o) => o.fn !== 'size').map((o) => o.column)])]);
    const schema = input.meta;
    validateSpec(spec, schema);
    const meta = inferMeta('groupby-agg', (m: Frame) => groupFinalize([groupChunk(m, spec)], spec, schema), [input]);
    const n = input.npartitions;
    const splitOut = this.opts.splitOut ?? (n < 16 ? 1 : Math.ceil(n / 15));
    if (splitOut === 1) {
      const { key, layer } = treeReduce('groupby-agg', input, {
        chunk: groupbyChunk,
        chunkArgs: [spec],
        combine: groupbyCombine,
        combineArgs: [spec],
        aggregate: groupbyFinalize,
        aggregateArgs: [spec, schema],
        splitEvery: this.opts.splitEvery,
      });
      return this.showKeys(fromSingleKey<DataFrame>('frame', 'groupby-agg', key, layer, meta), outputs);
    }
    const b = shuffleLayer(input, {
      name: 'groupby-agg',
      nOut: splitOut,
      split: groupbyChunkSplit,
      splitArgs: [spec, splitOut],
      resplit: groupbyResplit,
      merge: groupbyCombine,
      mergeArgs: [spec],
      combine: groupbyFinalize,
      combineArgs: [spec, schema],
    });
    return this.showKeys(new DataFrame(b.prefix, b.npartitions, meta, b.layer), outputs);
  }

  /** Hidden key names back to the names users see. */
  private showKeys(df: DataFrame, outputs: readonly AggOutput[]): DataFrame {
    const mapping: Record<string, string> = {};
    this.keys.forEach((k, j) => {
      if (k !== this.by[j]) {
        if (outputs.some((o) => o.name === this.by[j])) {
          throw new TypeError(`groupby: the key '${this.by[j]}' and an output column share a name; rename the key series (s.rename('year')) or the output`);
        }
        mapping[k] = this.by[j];
      }
    });
    return Object.keys(mapping).length === 0 ? df : df.rename(mapping);
  }

  /**
   * `{ Score: 'mean' }` keeps the name; `{ AnswerCount: ['sum', 'count'] }` gives
   * AnswerCount_sum, AnswerCount_count; `{ AverageScore: { column: 'Score', agg: 'mean' } }`
   * names the output. A single function or list applies to every value column.
   */
  agg(spec: AggSpec | AggName | readonly AggName[]): DataFrame {
    const outputs: AggOutput[] = [];
    if (typeof spec === 'string' || Array.isArray(spec)) {
      const fns = (typeof spec === 'string' ? [spec] : spec) as AggName[];
      const cols = this.columnsFor(fns);
      for (const c of cols) for (const fn of fns) outputs.push({ name: fns.length === 1 && typeof spec === 'string' ? c : `${c}_${fn}`, column: c, fn: checkFn(fn, c) });
      return this.aggregate(outputs);
    }
    for (const [name, v] of Object.entries(spec as AggSpec)) {
      if (typeof v === 'string') outputs.push({ name, column: name, fn: checkFn(v, name) });
      else if (Array.isArray(v)) for (const fn of v as AggName[]) outputs.push({ name: `${name}_${fn}`, column: name, fn: checkFn(fn, name) });
      else if (v !== null && typeof v === 'object' && typeof (v as NamedAgg).column === 'string') {
        const na = v as NamedAgg;
        outputs.push({ name, column: na.column, fn: checkFn(na.agg, name) });
      } else {
        throw new TypeError(`groupby.agg: '${name}' must be an aggregation name, a list of them, or { column, agg }; got ${JSON.stringify(v)}`);
      }
    }
    for (const o of outputs) {
      if (this.keys.includes(o.column) && o.fn !== 'size') {
        throw new TypeError(`groupby.agg: '${o.column}' is a group key; aggregate another column (keys come back as leading columns)`);
      }
    }
    return this.aggregate(outputs);
  }

  /** Value columns a whole-frame aggregation covers: numbers only for sum/mean/std/var (pandas' numeric_only). */
  private columnsFor(fns: readonly AggName[]): string[] {
    const numericOnly = fns.some((f) => f === 'sum' || f === 'mean' || f === 'std' || f === 'var');
    const cols = this.valueColumns();
    return numericOnly ? cols.filter((c) => isNumberLike(this.frame.meta.col(c).dtype)) : cols;
  }

  private all(fn: AggName): DataFrame {
    return this.aggregate(this.columnsFor([fn]).map((c) => ({ name: c, column: c, fn })));
  }

  sum(): DataFrame { return this.all('sum'); }
  mean(): DataFrame { return this.all('mean'); }
  count(): DataFrame { return this.all('count'); }
  min(): DataFrame { return this.all('min'); }
  max(): DataFrame { return this.all('max'); }
  std(): DataFrame { return this.all('std'); }
  var(): DataFrame { return this.all('var'); }
  nunique(): DataFrame { return this.all('nunique'); }
  first(): DataFrame { return this.all('first'); }
  last(): DataFrame { return this.all('last'); }

  /** Rows per group, as a Series indexed by the key (like pandas). */
  size(): Series {
    return seriesOf(this.aggregate([{ name: 'size', column: '', fn: 'size' }]), this.by, 'size');
  }

  toString(): string {
    return `tsdask.GroupBy<by=[${this.by.join(', ')}], npartitions=${this.frame.npartitions}>`;
  }
}

/** Aggregations of one column, giving a Series indexed by the group key. */
export class SeriesGroupBy {
  constructor(
    private readonly g: GroupBy,
    readonly column: string,
  ) {}

  private one(fn: AggName): Series {
    // g.col('Origin').count() when grouping by Origin: the output needs a name apart from the key.
    const out = this.g.by.includes(this.column) ? `${this.column}\u0003` : this.column;
    return seriesOf(this.g.aggregate([{ name: out, column: this.column, fn }]), this.g.by, out, this.column);
  }

  sum(): Series { return this.one('sum'); }
  mean(): Series { return this.one('mean'); }
  count(): Series { return this.one('count'); }
  min(): Series { return this.one('min'); }
  max(): Series { return this.one('max'); }
  std(): Series { return this.one('std'); }
  var(): Series { return this.one('var'); }
  nunique(): Series { return this.one('nunique'); }
  first(): Series { return this.one('first'); }
  last(): Series { return this.one('last'); }
  size(): Series { return this.g.size(); }

  /** One function: a Series; several: a DataFrame with keys and one column per function. */
  agg(fn: AggName): Series;
  agg(fns: readonly AggName[]): DataFrame;
  agg(fn: AggName | readonly AggName[]): Series | DataFrame {
    if (typeof fn === 'string') return this.one(checkFn(fn, this.column));
    return this.g.aggregate(fn.map((f) => ({ name: f, column: this.column, fn: checkFn(f, this.column) })));
  }
}

function checkFn(fn: string, column: string): AggName {
  if (!(AGG_NAMES as readonly string[]).includes(fn)) {
    throw new TypeError(`groupby: unknown aggregation '${fn}' for '${column}'; use one of ${AGG_NAMES.join(', ')}`);
  }
  return fn as AggName;
}

function seriesOf(df: DataFrame, by: readonly string[], value: string, name = value): Series {
  const args = [df, [...by], value, name];
  const b = blockwise('groupby-series', toSeries, args);
  return new Series(b.prefix, b.npartitions, inferMeta('groupby-series', toSeries, args), b.layer);
}
