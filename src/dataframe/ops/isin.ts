/** Membership tests: isin(values) and between(lo, hi) (inclusive, like pandas' default). */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Cell, Frame } from '../frame.js';
import { NumberTable } from './number-table.js';
import { numbers, scalarNumber } from './operand.js';

function key(v: Cell): string | number | null {
  if (v === null) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

export const isin = kernel('dataframe.isin', (part: Frame, values: readonly Cell[]): Frame => {
  const c = part.series;
  const n = part.length;
  const out = new Uint8Array(n);
  if (c.dtype === 'string') {
    const want = new Set(values.filter((v) => typeof v === 'string'));
    const wantNull = values.some((v) => v === null);
    const table = c.dict!.map((s) => (want.has(s) ? 1 : 0));
    const codes = c.data as Int32Array;
    for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? (wantNull ? 1 : 0) : table[codes[i]];
  } else {
    // The wanted numbers in a typed hash table; rows test their raw values (no per-row cells).
    const want = new NumberTable(values.length);
    let wantNull = false;
    for (const v of values) {
      const k = typeof v === 'string' && c.dtype === 'datetime' ? Date.parse(v) : key(v);
      if (k === null) wantNull = true;
      else if (typeof k === 'number' && k === k) want.intern(k);
    }
    const d = c.data;
    const boolNA = c.dtype === 'bool' ? BOOL_NA : NaN;
    const missing = wantNull ? 1 : 0;
    for (let i = 0; i < n; i++) {
      const x = d[i];
      out[i] = x !== x || x === boolNA ? missing : want.get(x) >= 0 ? 1 : 0;
    }
  }
  return new Frame(part.names, [{ dtype: 'bool', data: out }], n, part.index);
});

export const between = kernel('dataframe.between', (part: Frame, lo: Cell, hi: Cell, inclusive: 'both' | 'neither' | 'left' | 'right' = 'both'): Frame => {
  const c = part.series;
  const n = part.length;
  const out = new Uint8Array(n);
  const loIn = inclusive === 'both' || inclusive === 'left';
  const hiIn = inclusive === 'both' || inclusive === 'right';
  if (c.dtype === 'string') {
    const table = c.dict!.map((s) => {
      const a = loIn ? s >= String(lo) : s > String(lo);
      const b = hiIn ? s <= String(hi) : s < String(hi);
      return a && b ? 1 : 0;
    });
    const codes = c.data as Int32Array;
    for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? 0 : table[codes[i]];
  } else {
    const x = numbers(c, `between on '${part.names[0]}'`);
    const a = scalarNumber(lo, 'between');
    const b = scalarNumber(hi, 'between');
    for (let i = 0; i < n; i++) out[i] = (loIn ? x[i] >= a : x[i] > a) && (hiIn ? x[i] <= b : x[i] < b) ? 1 : 0;
  }
  return new Frame(part.names, [{ dtype: 'bool', data: out }], n, part.index);
});
