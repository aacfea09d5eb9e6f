/**
 * From a DataFrame to a feature matrix: chosen columns as doubles, categorical columns encoded
 * with categories found once over the whole frame (so every partition encodes alike), the
 * target as numeric labels.
 */
import { compute } from '../core/compute.js';
import type { ComputeOptions } from '../core/options.js';
import type { DataFrame } from '../dataframe/collections/index.js';
import type { DanfoDataFrame } from '../dataframe/danfo.js';
import type { Cell } from '../dataframe/frame.js';
import type { Dataset } from './types.js';

export type Encoding = 'ordinal' | 'onehot';

export interface FeatureOptions {
  /** Feature columns, in matrix column order. */
  features: readonly string[];
  /** Label column: numbers stay, booleans become 0/1, text becomes its index in the sorted classes. */
  target?: string;
  /** Feature columns to encode (text columns are encoded whether listed or not). */
  categorical?: readonly string[];
  /** 'ordinal' (default: one column of category indices, fine for trees) or 'onehot'. */
  encoding?: Encoding;
}

type Category = string | number | boolean;

/** How columns become matrix columns; plain data, so it travels to workers with the tasks. */
export interface FeatureSpec {
  readonly columns: ReadonlyArray<{ readonly name: string; readonly categories?: readonly Category[] }>;
  readonly encoding: Encoding;
  readonly target?: { readonly name: string; readonly classes?: readonly Category[] };
  /** Matrix column names (`Dest=ATL` for one-hot columns). */
  readonly featureNames: readonly string[];
}

const sortCategories = (a: Category, b: Category) =>
  typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;

function isCategory(v: Cell): v is Category {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v));
}

/** Check the columns and find each categorical column's categories (one compute for all of them). */
export async function featureSpec(ddf: DataFrame, opts: FeatureOptions, computeOpts: ComputeOptions = {}): Promise<FeatureSpec> {
  const dtypes = ddf.dtypes;
  const wanted = [...opts.features, ...(opts.target === undefined ? [] : [opts.target])];
  for (const c of wanted) {
    if (!(c in dtypes)) throw new RangeError(`features: column '${c}' is not in the frame; its columns are ${ddf.columns.join(', ')}`);
  }
  const categorical = new Set(opts.categorical ?? []);
  for (const c of categorical)
    if (!opts.features.includes(c)) throw new RangeError(`features: categorical column '${c}' is not one of the features ${opts.features.join(', ')}`);
  for (const c of opts.features) if (/string|object/.test(String(dtypes[c]))) categorical.add(c);
  const targetText = opts.target !== undefined && /string|object/.test(String(dtypes[opts.target]));
  const toFind = [...categorical, ...(targetText && opts.target !== undefined ? [opts.target] : [])];
  // One narrow frame per partition (as incremental.ts's scaler): a read is not held until every column's unique() ran.
  const narrow = toFind.length === 0 ? undefined : ddf.select(toFind);
  const [found] =
    narrow === undefined
      ? [[]]
      : await compute(
          toFind.map((c) => narrow.col(c).uniqueLazy()),
          computeOpts,
        );
  const cats = new Map<string, Category[]>(toFind.map((c, i) => [c, (found[i] ?? []).filter(isCategory).sort(sortCategories)]));
  const encoding = opts.encoding ?? 'ordinal';
  const columns = opts.features.map((name) => (cats.has(name) ? { name, categories: cats.get(name) } : { name }));
  const featureNames = columns.flatMap((c) =>
    c.categories !== undefined && encoding === 'onehot' ? c.categories.map((k) => `${c.name}=${String(k)}`) : [c.name],
  );
  const target = opts.target === undefined ? undefined : targetText ? { name: opts.target, classes: cats.get(opts.target) } : { name: opts.target };
  return { columns, encoding, ...(target ? { target } : {}), featureNames };
}

/** One column's cells; danfo's column() of a frame. */
function cells(df: DanfoDataFrame, name: string): readonly unknown[] {
  const v: unknown = df.column(name).values;
  if (!Array.isArray(v)) throw new TypeError(`features: column '${name}' of a partition did not come back as a list of values`);
  return v;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return NaN;
}

/**
 * A frame (one partition, or a whole computed frame) as a data set. A row with a missing
 * feature or label is left out, as a model cannot train on it; an unseen category encodes as
 * -1 (ordinal) or all zeros (one-hot).
 */
export function encodeFrame(df: DanfoDataFrame, spec: FeatureSpec): Dataset {
  const n = df.shape[0];
  const nCols = spec.featureNames.length;
  const X = new Float64Array(n * nCols);
  const y = new Float64Array(n);
  const keep = new Uint8Array(n).fill(1);
  let at = 0;
  for (const c of spec.columns) {
    const vals = cells(df, c.name);
    if (c.categories === undefined) {
      for (let i = 0; i < n; i++) {
        const x = toNumber(vals[i]);
        if (Number.isNaN(x)) keep[i] = 0;
        X[i * nCols + at] = x;
      }
      at++;
      continue;
    }
    const index = new Map<unknown, number>(c.categories.map((k, j) => [k, j]));
    const onehot = spec.encoding === 'onehot';
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
        keep[i] = 0;
        continue;
      }
      const j = index.get(v) ?? -1;
      if (onehot) {
        if (j >= 0) X[i * nCols + at + j] = 1;
      } else X[i * nCols + at] = j;
    }
    at += onehot ? c.categories.length : 1;
  }
  if (spec.target !== undefined) {
    const vals = cells(df, spec.target.name);
    const classes = spec.target.classes === undefined ? undefined : new Map<unknown, number>(spec.target.classes.map((k, j) => [k, j]));
    for (let i = 0; i < n; i++) {
      const v = classes === undefined ? toNumber(vals[i]) : (classes.get(vals[i]) ?? NaN);
      if (Number.isNaN(v)) keep[i] = 0;
      y[i] = v;
    }
  }
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    if (m !== i) {
      X.copyWithin(m * nCols, i * nCols, (i + 1) * nCols);
      y[m] = y[i];
    }
    m++;
  }
  return { X: m === n ? X : X.slice(0, m * nCols), y: m === n ? y : y.slice(0, m), nRows: m, nCols };
}

/** The frame's chosen columns, computed and encoded: `ddf.select([...])` as a feature matrix. */
export async function toFeatureMatrix(ddf: DataFrame, opts: FeatureOptions, computeOpts: ComputeOptions = {}): Promise<{ data: Dataset; spec: FeatureSpec }> {
  const spec = await featureSpec(ddf, opts, computeOpts);
  const cols = [...new Set([...opts.features, ...(opts.target === undefined ? [] : [opts.target])])];
  const [df] = await compute(ddf.select(cols), computeOpts);
  return { data: encodeFrame(df, spec), spec };
}
