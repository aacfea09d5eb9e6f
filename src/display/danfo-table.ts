/**
 * Computed danfo.js frames and series as HTML tables: the first and last rows around an
 * ellipsis row once there are more than fit, and the shape underneath (as pandas does).
 */
import type { DataFrame as DanfoDataFrame, Series as DanfoSeries } from 'danfojs-node';
import { escapeHtml, htmlTable } from './html.js';

/** Rows shown at each end of a long table. */
const EDGE_ROWS = 5;

/** A cell as text: NaN and missing as pandas prints them, dates as ISO, floats without noise. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12)));
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'NaT' : v.toISOString();
  if (typeof v === 'string') return v;
  // danfo cells are otherwise booleans or bigints; anything else (an object cell) as JSON.
  return typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : JSON.stringify(v);
}

/** Row positions to show, -1 standing for the ellipsis row. */
function shownRows(n: number): number[] {
  if (n <= 2 * EDGE_ROWS) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE_ROWS }, (_, i) => i), -1, ...Array.from({ length: EDGE_ROWS }, (_, i) => n - EDGE_ROWS + i)];
}

function bodyRows(index: ReadonlyArray<unknown>, cellsOf: (row: number) => readonly unknown[], ncols: number): string[][] {
  return shownRows(index.length).map((r) =>
    r < 0
      ? ['…', ...Array.from({ length: ncols }, () => '…')]
      : [`<strong>${escapeHtml(cellText(index[r]))}</strong>`, ...cellsOf(r).map((c) => escapeHtml(cellText(c)))],
  );
}

export function danfoFrameHtml(df: DanfoDataFrame): string {
  const values = df.values as unknown[][];
  const [nrows, ncols] = [df.shape[0], df.shape[1]];
  const rows = bodyRows(df.index, (r) => values[r], df.columns.length);
  const table = htmlTable({ kind: 'frame', header: ['', ...df.columns.map(escapeHtml)], rows });
  return `<div class="tsdask-frame">${table}<p class="tsdask-shape">${nrows} rows × ${ncols} columns</p></div>`;
}

export function danfoSeriesHtml(s: DanfoSeries): string {
  const values = s.values as unknown[];
  const name = s.columns[0] ?? '';
  const rows = bodyRows(s.index, (r) => [values[r]], 1);
  const table = htmlTable({ kind: 'series', header: ['', escapeHtml(String(name))], rows });
  return `<div class="tsdask-series">${table}<p class="tsdask-shape">Name: ${escapeHtml(String(name))}, Length: ${values.length}, dtype: ${escapeHtml(s.dtype)}</p></div>`;
}
