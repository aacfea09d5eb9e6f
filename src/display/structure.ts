/** A lazy DataFrame or Series as Dask's notebook repr: partitions, columns, dtypes, tasks. */
import { COLLECTION } from '../core/collection.js';
import { escapeHtml, htmlTable } from './html.js';

/** What a lazy DataFrame shows without computing (the shape of tsdask/dataframe's class). */
export interface LazyFrameLike {
  npartitions: number;
  columns: string[];
  dtypes: Record<string, string>;
  taskCount(): number;
}
export interface LazySeriesLike {
  npartitions: number;
  name: string;
  dtype: string;
  taskCount(): number;
}

const isObject = (x: unknown): x is Record<string | symbol, unknown> => typeof x === 'object' && x !== null;
const lazy = (x: unknown): x is Record<string | symbol, unknown> =>
  isObject(x) && COLLECTION in x && typeof x.npartitions === 'number' && typeof x.taskCount === 'function';

export function isLazyFrame(x: unknown): x is LazyFrameLike {
  return lazy(x) && Array.isArray(x.columns) && isObject(x.dtypes);
}
export function isLazySeries(x: unknown): x is LazySeriesLike {
  return lazy(x) && typeof x.dtype === 'string' && 'name' in x && !Array.isArray(x.columns);
}

function summary(kind: string, npartitions: number, tasks: number): string {
  return `<div class="tsdask-summary"><strong>tsdask.${kind}</strong> npartitions=${npartitions}, ${tasks} tasks</div>`;
}

/** Columns across and their dtypes underneath, as Dask's notebook repr lays them out. */
export function lazyFrameHtml(df: LazyFrameLike): string {
  const rows = [['<strong>dtype</strong>', ...df.columns.map((c) => escapeHtml(df.dtypes[c] ?? ''))]];
  const header = ['', ...df.columns.map(escapeHtml)];
  const table = htmlTable({ kind: 'lazy-structure', header, rows, caption: `${df.npartitions} partitions, values not computed` });
  return `<div class="tsdask-lazy">${summary('DataFrame', df.npartitions, df.taskCount())}${table}</div>`;
}

export function lazySeriesHtml(s: LazySeriesLike): string {
  const table = htmlTable({ kind: 'lazy-structure', header: ['', escapeHtml(String(s.name))], rows: [['<strong>dtype</strong>', escapeHtml(s.dtype)]] });
  return `<div class="tsdask-lazy">${summary('Series', s.npartitions, s.taskCount())}${table}</div>`;
}
