/**
 * The comparator: how a tsdask result may differ from the reference's and still agree.
 * - floats: relative 1e-9 (plus 1e-300 absolute, for sums that cancel to ~0); integers exactly,
 *   also past 2^53 (compared as BigInt, so a rounded int64 never passes);
 * - missing: NaN, null and NaT are one "missing" (dtypes tell the representations apart);
 * - -0.0 equals 0.0, as in pandas (`-0.0 == 0.0`); where the sign shows, as text, strings differ;
 * - dtypes by family (int, float, bool, object, datetime); bools never equal numbers;
 * - row order: exact unless the case says the reference does not define it (`order: 'any'`).
 */
import type { Cell, Encoded, Tag } from './encode.js';

export interface CompareOptions {
  /** Compare index labels (reductions, value counts, group keys...). Default false. */
  index?: boolean;
  /** 'any': the order of rows is not defined; rows are matched after a canonical sort. */
  order?: 'exact' | 'any';
  /** Compare dtypes (default true). */
  dtype?: boolean;
  /** Compare the series name (default: when the reference has one). */
  name?: boolean;
  /** Compare only the values, as a flat list (a Series against an ndarray, say). */
  valuesOnly?: boolean;
}

const isTag = (c: Cell): c is Tag => c !== null && typeof c === 'object' && !Array.isArray(c);
const MISSING = new Set(['nan', 'nat']);

function isMissing(c: Cell): boolean {
  return c === null || (isTag(c) && MISSING.has(c.$));
}

/** A numeric reading of a cell: number, or bigint for the exact-int tag; undefined if not numeric. */
function numeric(c: Cell): number | bigint | undefined {
  if (typeof c === 'number') return c;
  if (isTag(c)) {
    if (c.$ === 'inf') return Infinity;
    if (c.$ === '-inf') return -Infinity;
    if (c.$ === '-0') return 0;
    if (c.$ === 'int') return BigInt(String(c.v));
  }
  return undefined;
}

function numbersAgree(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    // Exact: an int64 rounded through float64 does not pass.
    const toBig = (x: number | bigint): bigint | undefined => (typeof x === 'bigint' ? x : Number.isInteger(x) ? BigInt(x) : undefined);
    const x = toBig(a);
    const y = toBig(b);
    return x !== undefined && y !== undefined && x === y;
  }
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) < 2 ** 53 && Math.abs(b) < 2 ** 53) {
    // Integers compare exactly unless they come from float arithmetic at large magnitude.
    if (Math.abs(a) < 1e15) return false;
  }
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;
}

export function cellsAgree(a: Cell, b: Cell): boolean {
  if (isMissing(a) || isMissing(b)) return isMissing(a) && isMissing(b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return numbersAgree(x, y);
  if (x !== undefined || y !== undefined) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => cellsAgree(v, b[i]));
  }
  if (isTag(a) && isTag(b)) {
    if (a.$ !== b.$) return false;
    if (a.$ === 'dict') return cellsAgree(sortedEntries(a.v), sortedEntries(b.v));
    return JSON.stringify(a.v) === JSON.stringify(b.v);
  }
  return false;
}

function sortedEntries(v: unknown): Cell {
  const es = (Array.isArray(v) ? v : []) as Cell[];
  return [...es].sort((p, q) => (sortKey(p) < sortKey(q) ? -1 : sortKey(p) > sortKey(q) ? 1 : 0));
}

/** A canonical text for sorting rows whose order is not defined: floats to 9 digits, -0 as 0, missing as one. */
export function sortKey(c: Cell): string {
  if (isMissing(c)) return '~missing';
  const n = numeric(c);
  if (typeof n === 'bigint') return `n:${n.toString()}`;
  if (n !== undefined) return Number.isFinite(n) ? `n:${n === 0 ? 0 : n.toPrecision(9)}` : `n:${n}`;
  if (Array.isArray(c)) return `[${c.map(sortKey).join('|')}]`;
  if (isTag(c)) return `${c.$}:${JSON.stringify(c.v)}`;
  return `${typeof c}:${String(c)}`;
}

export function show(c: Cell): string {
  if (isTag(c)) return c.$ === 'date' ? `Date(${new Date(Number(c.v)).toISOString()})` : c.v === undefined ? c.$ : `${c.$}(${JSON.stringify(c.v)})`;
  return JSON.stringify(c);
}

const family = (t: string): string =>
  /^u?int/.test(t) ? 'int' : /^float/.test(t) ? 'float' : /^datetime/.test(t) ? 'datetime' : t === 'string' || t === 'object' ? 'object' : t;

type Rows = Cell[][];
type Value = Exclude<Encoded, { $error: string }>;

function rowsOf(columns: readonly Cell[][], index: readonly Cell[] | undefined): Rows {
  const n = columns[0]?.length ?? index?.length ?? 0;
  const rows: Rows = [];
  for (let i = 0; i < n; i++) rows.push([...(index ? [index[i]] : []), ...columns.map((c) => c[i])]);
  return rows;
}

function canonical(rows: Rows): Rows {
  const keyed = rows.map((r) => [r.map(sortKey).join('\u0001'), r] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map((k) => k[1]);
}

function compareRows(got: Rows, want: Rows, labels: readonly string[], out: string[]): void {
  if (got.length !== want.length) {
    out.push(`${got.length} rows, reference ${want.length}`);
    return;
  }
  for (let i = 0; i < want.length && out.length < 6; i++) {
    for (let j = 0; j < labels.length && out.length < 6; j++) {
      if (!cellsAgree(got[i][j], want[i][j])) out.push(`row ${i} ${labels[j]}: ${show(got[i][j])}, reference ${show(want[i][j])}`);
    }
  }
}

/** Differences between a tsdask result and the reference's, as short sentences (empty: they agree). */
export function compare(got: Encoded, want: Encoded, o: CompareOptions = {}): string[] {
  const out: string[] = [];
  if ('$error' in want) return '$error' in got ? [] : [`no error, reference raised ${want.$error}`];
  if ('$error' in got) return [`error ${got.$error}, reference gave a value`];
  if (o.valuesOnly) {
    const vals = (e: Value): Cell[] =>
      'values' in e ? e.values : e.kind === 'frame' ? e.columns.flatMap((c) => e.data[c]) : e.kind === 'scalar' ? [e.value] : [];
    const g = vals(got).map((v) => [v]);
    const w = vals(want).map((v) => [v]);
    compareRows(o.order === 'any' ? canonical(g) : g, o.order === 'any' ? canonical(w) : w, ['value'], out);
    return out;
  }
  if (got.kind !== want.kind) return [`a ${got.kind}, reference a ${want.kind}`];
  const checkDtype = o.dtype !== false;
  switch (want.kind) {
    case 'scalar': {
      if (got.kind === 'scalar' && !cellsAgree(got.value, want.value)) out.push(`${show(got.value)}, reference ${show(want.value)}`);
      return out;
    }
    case 'frame': {
      if (got.kind !== 'frame') return out;
      if (got.columns.join('\u0001') !== want.columns.join('\u0001')) {
        out.push(`columns [${got.columns.join(', ')}], reference [${want.columns.join(', ')}]`);
        return out;
      }
      if (checkDtype) {
        for (const c of want.columns) {
          if (family(got.dtypes[c]) !== family(want.dtypes[c])) out.push(`dtype of ${c}: ${got.dtypes[c]}, reference ${want.dtypes[c]}`);
        }
      }
      const labels = [...(o.index ? ['index'] : []), ...want.columns];
      const g = rowsOf(
        got.columns.map((c) => got.data[c]),
        o.index ? got.index : undefined,
      );
      const w = rowsOf(
        want.columns.map((c) => want.data[c]),
        o.index ? want.index : undefined,
      );
      compareRows(o.order === 'any' ? canonical(g) : g, o.order === 'any' ? canonical(w) : w, labels, out);
      return out;
    }
    case 'series': {
      if (got.kind !== 'series') return out;
      if ((o.name ?? want.name !== null) && got.name !== want.name) out.push(`name ${JSON.stringify(got.name)}, reference ${JSON.stringify(want.name)}`);
      if (checkDtype && family(got.dtype) !== family(want.dtype)) out.push(`dtype ${got.dtype}, reference ${want.dtype}`);
      const labels = [...(o.index ? ['index'] : []), 'value'];
      const g = rowsOf([got.values], o.index ? got.index : undefined);
      const w = rowsOf([want.values], o.index ? want.index : undefined);
      compareRows(o.order === 'any' ? canonical(g) : g, o.order === 'any' ? canonical(w) : w, labels, out);
      return out;
    }
    case 'ndarray': {
      if (got.kind !== 'ndarray') return out;
      if (got.shape.join() !== want.shape.join()) return [`shape [${got.shape.join(', ')}], reference [${want.shape.join(', ')}]`];
      compareRows(
        got.values.map((v) => [v]),
        want.values.map((v) => [v]),
        ['value'],
        out,
      );
      return out;
    }
    case 'list': {
      if (got.kind !== 'list') return out;
      const g = got.values.map((v) => [v]);
      const w = want.values.map((v) => [v]);
      compareRows(o.order === 'any' ? canonical(g) : g, o.order === 'any' ? canonical(w) : w, ['item'], out);
      return out;
    }
    case 'dict': {
      if (got.kind !== 'dict') return out;
      compareRows(canonical(got.entries.map(([k, v]) => [k, v])), canonical(want.entries.map(([k, v]) => [k, v])), ['key', 'value'], out);
      return out;
    }
  }
}
