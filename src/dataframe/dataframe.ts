/**
 * The lazy DataFrame: a prefix, partitions `prefix#i` (columnar Frames) and a meta. Methods
 * add graph layers; nothing runs until compute/head/length. Results come back as danfo objects.
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer } from '../core/collection.js';
import { compute } from '../core/compute.js';
import { KeyRef, Task, type TaskFn } from '../core/graph.js';
import { kernel } from '../core/kernels.js';
import { tokenize } from '../core/tokenize.js';
import { PartitionedCollection } from './base.js';
import { type DanfoDataFrame, danfoToPart, framesToDanfo, fromDanfo, partToDanfo, toDanfo } from './danfo.js';
import { type Cell, type DType, type DTypeName, Frame, isNumericDType, KeyError, normalizeDType } from './frame.js';
import { blockwise, type Built, inferMeta, PartitionLayer, partKey, treeReduce } from './graph.js';
import { writeCsv, type ToCsvOptions } from './io/to-csv.js';
import { anyAllChunk, anyAllCombine, anyAllSeries } from './ops/anyall.js';
import { astype } from './ops/astype.js';
import { assign, drop, rename } from './ops/columns.js';
import { concat as concatKernel, concatFrames } from './ops/concat.js';
import { filter } from './ops/filter.js';
import { dropna, fillna, isna } from './ops/missing.js';
import { distinctChunk, distinctCombine, nuniqueSeries } from './ops/nunique.js';
import { sample } from './ops/sample.js';
import { select } from './ops/select.js';
import { splitPart } from './ops/split.js';
import { momentsChunk, momentsCombine, momentsSeries, numericColumns, type StatOp } from './ops/stats.js';
import { quantileLazy } from './quantile.js';
import type { Scalar } from './scalar.js';
import { Series } from './series.js';
import { projectColumns } from './projection.js';
import { distinct as distinctRows, type DistinctOptions } from './distinct.js';
import { GroupBy, type GroupByOptions } from './groupby.js';
import { merge as mergeFrames, type MergeOptions } from './merge.js';
import { hashShuffle } from './shuffle.js';
import { selectN, setIndex as setIndexOf, type SortOptions, sortValues as sortFrameValues } from './sort.js';

const alias = kernel('dataframe.alias', (x: unknown) => x);

/** A column value for `assign`: a lazy Series, a lazy Scalar, a constant, or a function of the frame. */
export type AssignValue = Series | Scalar | Cell | ((df: DataFrame) => Series | Scalar | Cell);

/** One-partition collection reading a single key (the result of a reduction). */
export function fromSingleKey<C extends DataFrame | Series>(kind: 'frame' | 'series', name: string, key: string, layer: Built['layer'], meta: Frame): C {
  const prefix = `${name}-${tokenize(key)}`;
  const l = new PartitionLayer(prefix, 1, () => new Task(alias, [new KeyRef(key)]), [layer]);
  return (kind === 'frame' ? new DataFrame(prefix, 1, meta, l) : new Series(prefix, 1, meta, l)) as C;
}

const reductionMeta = (dtype: DType): Frame =>
  new Frame(['0'], [{ dtype, data: dtype === 'bool' ? new Uint8Array(0) : new Float64Array(0) }], 0, { dtype: 'string', data: new Int32Array(0), dict: [] });

export class DataFrame extends PartitionedCollection<DanfoDataFrame> {
  protected readonly finishFn = framesToDanfo;

  protected make(built: Built, meta: Frame): this {
    return new DataFrame(built.prefix, built.npartitions, meta, built.layer) as this;
  }
  protected finish(parts: Frame[]): DanfoDataFrame {
    return toDanfo(concatFrames(parts));
  }

  /** Column names (known without computing). */
  get columns(): string[] {
    return [...this.meta.names];
  }

  /** Column dtypes by name (known without computing). */
  get dtypes(): Record<string, DType> {
    const out: Record<string, DType> = {};
    this.meta.names.forEach((n, i) => (out[n] = this.meta.columns[i].dtype));
    return out;
  }

  /** A blockwise kernel over this frame's partitions; meta from running it on empty inputs. */
  protected derive(name: string, fn: TaskFn, args: readonly unknown[]): DataFrame {
    const meta = inferMeta(name, fn, args);
    const b = blockwise(name, fn, args);
    return new DataFrame(b.prefix, b.npartitions, meta, b.layer);
  }

  // ---- selection ----
  col(name: string): Series {
    if (!this.meta.has(name)) throw new KeyError(name, this.meta.names);
    const from = projectColumns(this, [name]) ?? this;
    const b = blockwise('getitem', select, [from, [name]]);
    return new Series(b.prefix, b.npartitions, inferMeta('getitem', select, [from, [name]]), b.layer);
  }

  select(names: readonly string[]): DataFrame {
    for (const n of names) if (!this.meta.has(n)) throw new KeyError(n, this.meta.names);
    const projected = projectColumns(this, names);
    if (projected !== undefined) return projected;
    return this.derive('getitem', select, [this, [...names]]);
  }

  /** Rows where the bool `mask` series is true. */
  filter(mask: Series): DataFrame {
    if (!(mask instanceof Series)) throw new TypeError('filter: pass a bool Series, e.g. ddf.filter(ddf.col("x").gt(0))');
    if (mask.dtype !== 'bool') throw new TypeError(`filter: the mask must be a bool series, got ${mask.dtype} series '${mask.name}'`);
    return this.derive('filter', filter, [this, mask]);
  }

  /** Label-based selection: rows by a bool mask (or null for all), columns by name. */
  loc(rows: Series | null, cols?: readonly string[] | string): DataFrame {
    let out: DataFrame = rows === null || rows === undefined ? this : this.filter(rows);
    if (cols !== undefined) out = out.select(typeof cols === 'string' ? [cols] : cols);
    return out;
  }

  /** Position-based selection of columns only; rows must be null (all rows). */
  iloc(rows: null, cols?: readonly number[] | number): DataFrame {
    if (rows !== null && rows !== undefined) {
      throw new TypeError(
        'iloc: selecting rows by position is not supported: partitions do not know their lengths without reading them. ' +
          'Use iloc(null, [columns]) for columns, loc(mask) / filter(mask) for rows by condition, head(n) / tail(n), or partitions(i).',
      );
    }
    if (cols === undefined) return this;
    const list = typeof cols === 'number' ? [cols] : cols;
    const names = list.map((i) => {
      const j = i < 0 ? this.meta.names.length + i : i;
      if (!Number.isInteger(j) || j < 0 || j >= this.meta.names.length) {
        throw new RangeError(`iloc: column position ${i} out of range (the frame has ${this.meta.names.length} columns)`);
      }
      return this.meta.names[j];
    });
    return this.select(names);
  }

  // ---- column edits ----
  assign(spec: Readonly<Record<string, AssignValue>>): DataFrame {
    const names = Object.keys(spec);
    const values = names.map((n) => {
      const v = spec[n];
      return typeof v === 'function' ? v(this) : v;
    });
    return this.derive('assign', assign, [this, names, values]);
  }

  drop(names: readonly string[] | string, opts: { errors?: 'raise' | 'ignore' } = {}): DataFrame {
    const list = typeof names === 'string' ? [names] : [...names];
    return this.derive('drop', drop, [this, list, opts.errors ?? 'raise']);
  }

  rename(mapping: Readonly<Record<string, string>> | { columns: Readonly<Record<string, string>> }): DataFrame {
    const m = 'columns' in mapping && typeof mapping.columns === 'object' ? (mapping.columns as Record<string, string>) : (mapping as Record<string, string>);
    return this.derive('rename', rename, [this, { ...m }]);
  }

  astype(dtypes: DTypeName | Readonly<Record<string, DTypeName>>): DataFrame {
    const map: Record<string, DType> = {};
    if (typeof dtypes === 'string') for (const n of this.meta.names) map[n] = normalizeDType(dtypes, 'astype');
    else for (const [k, v] of Object.entries(dtypes)) {
      if (!this.meta.has(k)) throw new KeyError(k, this.meta.names);
      map[k] = normalizeDType(v, `astype ${k}`);
    }
    return this.derive('astype', astype, [this, map]);
  }

  /** Columns whose dtype matches include (and not exclude): dtype names, 'number', 'object'. */
  selectDtypes(opts: { include?: string | readonly string[]; exclude?: string | readonly string[] }): DataFrame {
    const list = (x: string | readonly string[] | undefined) => (x === undefined ? undefined : typeof x === 'string' ? [x] : [...x]);
    const inc = list(opts.include);
    const exc = list(opts.exclude) ?? [];
    if (inc === undefined && exc.length === 0) throw new TypeError('selectDtypes: give include or exclude');
    const matches = (t: DType, sel: string): boolean => {
      if (sel === 'number' || sel === 'numeric') return isNumericDType(t);
      if (sel === 'datetime64' || sel === 'datetime64[ns]') return t === 'datetime';
      return normalizeDType(sel, 'selectDtypes') === t;
    };
    const names = this.meta.names.filter((_, i) => {
      const t = this.meta.columns[i].dtype;
      return (inc === undefined || inc.some((s) => matches(t, s))) && !exc.some((s) => matches(t, s));
    });
    return this.select(names);
  }

  // ---- missing values ----
  isna(): DataFrame { return this.derive('isna', isna, [this, 1]); }
  isnull(): DataFrame { return this.isna(); }
  notna(): DataFrame { return this.derive('notna', isna, [this, 0]); }
  notnull(): DataFrame { return this.notna(); }
  fillna(value: Cell | Readonly<Record<string, Cell>>): DataFrame { return this.derive('fillna', fillna, [this, value]); }
  dropna(opts: { subset?: readonly string[]; how?: 'any' | 'all' } = {}): DataFrame {
    for (const n of opts.subset ?? []) if (!this.meta.has(n)) throw new KeyError(n, this.meta.names);
    return this.derive('dropna', dropna, [this, opts.subset ? [...opts.subset] : null, opts.how ?? 'any']);
  }

  // ---- reductions (Series indexed by column name) ----
  private stat(op: StatOp, ddof = 1): Series {
    const names = op === 'count' ? this.columns : numericColumns(this.meta);
    const { key, layer } = treeReduce(`${op}`, this, {
      chunk: momentsChunk,
      chunkArgs: [names, op === 'var' || op === 'std'],
      combine: momentsCombine,
      aggregate: momentsSeries,
      aggregateArgs: [op, names, ddof],
    });
    return fromSingleKey('series', op, key, layer, reductionMeta(op === 'count' ? 'int64' : 'float64'));
  }
  /** Non-missing values per column. */
  count(): Series { return this.stat('count'); }
  sum(): Series { return this.stat('sum'); }
  mean(): Series { return this.stat('mean'); }
  min(): Series { return this.stat('min'); }
  max(): Series { return this.stat('max'); }
  var(opts: { ddof?: number } = {}): Series { return this.stat('var', opts.ddof ?? 1); }
  std(opts: { ddof?: number } = {}): Series { return this.stat('std', opts.ddof ?? 1); }

  nunique(): Series {
    const { key, layer } = treeReduce('nunique', this, { chunk: distinctChunk, combine: distinctCombine, aggregate: nuniqueSeries, aggregateArgs: [this.columns] });
    return fromSingleKey('series', 'nunique', key, layer, reductionMeta('int64'));
  }

  private anyAll(op: 'any' | 'all'): Series {
    const { key, layer } = treeReduce(op, this, { chunk: anyAllChunk, chunkArgs: [op], combine: anyAllCombine, combineArgs: [op], aggregate: anyAllSeries, aggregateArgs: [op, this.columns] });
    return fromSingleKey('series', op, key, layer, reductionMeta('bool'));
  }
  any(): Series { return this.anyAll('any'); }
  all(): Series { return this.anyAll('all'); }

  /** Exact quantile(s) of the numeric columns: one q gives a Series, several a DataFrame indexed by q. */
  quantile(q: number): Series;
  quantile(q: readonly number[]): DataFrame;
  quantile(q: number | readonly number[]): Series | DataFrame {
    const names = numericColumns(this.meta).filter((n) => this.meta.col(n).dtype !== 'bool');
    if (typeof q === 'number') {
      const s = quantileLazy(this, names, [q], 'series');
      return fromSingleKey('series', 'quantile', s.key, s.layer, reductionMeta('float64'));
    }
    const s = quantileLazy(this, names, [...q], 'frame');
    const meta = new Frame(names, names.map(() => ({ dtype: 'float64' as const, data: new Float64Array(0) })), 0, { dtype: 'float64', data: new Float64Array(0) });
    return fromSingleKey('frame', 'quantile', s.key, s.layer, meta);
  }

  median(): Series {
    return this.quantile(0.5);
  }

  /** count, mean, std, min, 25%, 50%, 75%, max of the numeric columns (exact quartiles). */
  describe(opts: { percentiles?: readonly number[] } = {}): DataFrame {
    const names = numericColumns(this.meta).filter((n) => this.meta.col(n).dtype !== 'bool');
    if (names.length === 0) throw new TypeError('describe: the frame has no numeric columns');
    const s = quantileLazy(this, names, [...(opts.percentiles ?? [0.25, 0.5, 0.75])], 'describe');
    const meta = new Frame(names, names.map(() => ({ dtype: 'float64' as const, data: new Float64Array(0) })), 0, { dtype: 'string', data: new Int32Array(0), dict: [] });
    return fromSingleKey('frame', 'describe', s.key, s.layer, meta);
  }

  // ---- groupby, merge, sorting, duplicates, shuffle (groupby.ts, merge.ts, sort.ts, distinct.ts, shuffle.ts) ----
  groupby(by: string | readonly string[] | Series, opts: GroupByOptions = {}): GroupBy {
    return new GroupBy(this, by, opts);
  }
  merge(right: DataFrame, opts: MergeOptions = {}): DataFrame {
    return mergeFrames({ ...opts, left: this, right });
  }
  nlargest(n: number, columns: string | readonly string[]): DataFrame {
    return selectN(this, n, typeof columns === 'string' ? [columns] : columns, true);
  }
  nsmallest(n: number, columns: string | readonly string[]): DataFrame {
    return selectN(this, n, typeof columns === 'string' ? [columns] : columns, false);
  }
  sortValues(by: string | readonly string[], opts: SortOptions = {}): DataFrame {
    return sortFrameValues(this, typeof by === 'string' ? [by] : by, opts);
  }
  setIndex(column: string, opts: { drop?: boolean; npartitions?: number } = {}): DataFrame {
    return setIndexOf(this, column, opts);
  }
  /** Rows with duplicates removed (pandas' drop_duplicates). */
  distinct(opts: DistinctOptions = {}): DataFrame {
    return distinctRows(this, opts);
  }
  dropDuplicates(opts: DistinctOptions = {}): DataFrame {
    return this.distinct(opts);
  }
  /** Repartition by the hash of columns: equal keys end up in the same partition. */
  shuffle(on: string | readonly string[], opts: { npartitions?: number } = {}): DataFrame {
    return hashShuffle(this, typeof on === 'string' ? [on] : on, opts.npartitions);
  }

  // ---- partitions ----
  /** A random fraction of rows from every partition (reproducible with randomState). */
  sample(opts: { frac: number; replace?: boolean; randomState?: number }): DataFrame {
    const { frac, replace = false } = opts;
    if (!(frac >= 0) || (frac > 1 && !replace)) throw new RangeError(`sample: frac must be in [0, 1] (or > 1 with replace: true), got ${frac}`);
    const seed = opts.randomState ?? Math.floor(Math.random() * 2 ** 31);
    const prefix = `sample-${tokenize(this.prefix, frac, replace, seed)}`;
    const layer = new PartitionLayer(prefix, this.npartitions, (i) => new Task(sample, [new KeyRef(partKey(this.prefix, i)), frac, replace, seed, i]), [this.layer]);
    return new DataFrame(prefix, this.npartitions, this.meta, layer);
  }

  /** Fewer partitions (consecutive ones concatenated) or more (each split into equal row ranges). */
  repartition(opts: { npartitions: number }): DataFrame {
    const target = opts.npartitions;
    if (!Number.isInteger(target) || target < 1) throw new RangeError(`repartition: npartitions must be a positive integer, got ${target}`);
    const n = this.npartitions;
    if (target === n) return this;
    const prefix = `repartition-${tokenize(this.prefix, target)}`;
    let layer: PartitionLayer;
    if (target < n) {
      const groups = Array.from({ length: target }, (_, j) => {
        const start = Math.floor((j * n) / target);
        const end = Math.floor(((j + 1) * n) / target);
        return Array.from({ length: end - start }, (_, k) => new KeyRef(partKey(this.prefix, start + k)));
      });
      layer = new PartitionLayer(prefix, target, (j) => new Task(concatKernel, [groups[j]]), [this.layer]);
    } else {
      // Partition i splits into pieces[i] pieces; pieces differ by at most one.
      const pieces = Array.from({ length: n }, (_, i) => Math.floor(((i + 1) * target) / n) - Math.floor((i * target) / n));
      const map: Array<[number, number, number]> = [];
      pieces.forEach((k, i) => {
        for (let j = 0; j < k; j++) map.push([i, j, k]);
      });
      layer = new PartitionLayer(prefix, target, (t) => new Task(splitPart, [new KeyRef(partKey(this.prefix, map[t][0])), map[t][1], map[t][2]]), [this.layer]);
    }
    return new DataFrame(prefix, target, this.meta, layer);
  }

  /**
   * Apply `fn` to every partition as a danfo.DataFrame; it returns a danfo DataFrame or
   * Series. The output schema comes from `meta` (a danfo frame or { column: dtype }) or, if
   * absent, from running `fn` on a two-row stand-in frame.
   */
  mapPartitions(fn: (part: DanfoDataFrame) => unknown, opts: { meta?: DanfoDataFrame | Readonly<Record<string, DTypeName>> } = {}): DataFrame {
    const meta = mapPartitionsMeta(this.meta, fn, opts.meta);
    const token = tokenize(this.prefix, fn);
    const name = fn.name || 'lambda';
    const toD = `to-danfo-${token}`;
    const user = `${name}-${token}`;
    const prefix = `map-partitions-${token}`;
    const where = `mapPartitions(${name})`;
    // Three small tasks per partition; fusion makes them one, so danfo objects never travel.
    const l1 = new PartitionLayer(toD, this.npartitions, (i) => new Task(partToDanfo, [new KeyRef(partKey(this.prefix, i))]), [this.layer]);
    const l2 = new PartitionLayer(user, this.npartitions, (i) => new Task(fn as TaskFn, [new KeyRef(partKey(toD, i))]), [l1]);
    const l3 = new PartitionLayer(prefix, this.npartitions, (i) => new Task(danfoToPart, [new KeyRef(partKey(user, i)), where]), [l2]);
    return new DataFrame(prefix, this.npartitions, meta, l3);
  }

  /** Write one CSV file per partition; `*` in the pattern becomes the partition number. */
  async toCsv(pattern: string, opts: ToCsvOptions & { scheduler?: 'sync' | 'threads' | 'processes' } = {}): Promise<string[]> {
    const paths = Array.from({ length: this.npartitions }, (_, i) => (pattern.includes('*') ? pattern.replace('*', String(i)) : this.npartitions === 1 ? pattern : `${pattern}.${i}`));
    const { scheduler, ...csv } = opts;
    const prefix = `to-csv-${tokenize(this.prefix, paths, csv)}`;
    const layer = new PartitionLayer(prefix, this.npartitions, (i) => new Task(writeCsv, [new KeyRef(partKey(this.prefix, i)), paths[i], csv]), [this.layer]);
    const written = new PathList(prefix, this.npartitions, layer);
    const [out] = await compute(written, scheduler ? { scheduler } : {});
    return out as string[];
  }

  /** Lazy structure, like Dask's repr: partitions, columns, dtypes, tasks. */
  override toString(): string {
    const width = Math.max(4, ...this.meta.names.map((n) => n.length));
    const rows = this.meta.names.map((n, i) => `  ${n.padEnd(width)}  ${this.meta.columns[i].dtype}`);
    return [
      `tsdask.DataFrame  npartitions=${this.npartitions}`,
      ...rows,
      `Tasks: ${this.taskCount()} (${this.layerNames()})`,
    ].join('\n');
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The list of written paths (what toCsv computes). */
class PathList implements Collection<string[]> {
  constructor(
    private readonly prefix: string,
    private readonly n: number,
    private readonly layer: GraphLayer,
  ) {}
  get [COLLECTION](): CollectionImpl<string[]> {
    const keys = Array.from({ length: this.n }, (_, i) => partKey(this.prefix, i));
    return { layer: () => this.layer, keys: () => keys, finalize: (p) => p as string[], rebuild: () => this, defaultScheduler: 'threads' };
  }
}

/** A two-row stand-in partition with values of each dtype, for inferring mapPartitions' output. */
function standIn(meta: Frame): Frame {
  const cols: Record<string, Cell[]> = {};
  const dtypes: Record<string, DType> = {};
  meta.names.forEach((n, i) => {
    const t = meta.columns[i].dtype;
    dtypes[n] = t;
    cols[n] = t === 'string' ? ['a', 'b'] : t === 'bool' ? [true, false] : t === 'datetime' ? [new Date(0), new Date(86400000)] : [1, 2];
  });
  return Frame.fromColumns(cols, dtypes);
}

function mapPartitionsMeta(meta: Frame, fn: (part: DanfoDataFrame) => unknown, given: DanfoDataFrame | Readonly<Record<string, DTypeName>> | undefined): Frame {
  if (given !== undefined) {
    if (given instanceof Frame) return given.empty();
    if (typeof (given as DanfoDataFrame).columns !== 'undefined' && typeof (given as DanfoDataFrame).shape !== 'undefined') return fromDanfo(given as DanfoDataFrame).empty();
    return Frame.empty(Object.entries(given as Record<string, DTypeName>).map(([k, v]) => [k, normalizeDType(v, `meta ${k}`)] as const));
  }
  try {
    const out = danfoToPart(fn(toDanfo(standIn(meta))), 'mapPartitions');
    return out.empty();
  } catch (e) {
    throw new TypeError(
      `mapPartitions: could not infer the output schema by running ${fn.name || 'the function'} on a two-row stand-in frame (${(e as Error).message}); pass { meta: { column: dtype, ... } }`,
    );
  }
}

