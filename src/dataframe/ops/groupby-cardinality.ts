/**
 * Whether pre-aggregating a partition is worth it: when its key tuples are nearly all distinct
 * (a groupby by every id column of a table), grouping it yields as many rows as it has, so the
 * chunk step can hand its rows on as they are and leave the one grouping to the combine.
 * Judged from an evenly spread sample, so it costs a few thousand rows whatever the partition.
 */
import { type Column, takeColumn } from '../frame.js';
import { missingOf } from './groupby-states.js';
import { KeyIndex } from './key-index.js';

const SAMPLE = 8192;

/**
 * True when at most 1% of an evenly spread sample of rows repeat a key tuple seen in the sample
 * (expected for a few thousand rows drawn from groups of about one row each, far above 1% once
 * groups average 3 or more rows). Small partitions are always pre-aggregated.
 */
export function nearlyDistinct(cols: readonly Column[], n: number): boolean {
  if (n < 4 * SAMPLE) return false;
  const step = Math.floor(n / SAMPLE);
  const rows = new Int32Array(SAMPLE);
  for (let i = 0; i < SAMPLE; i++) rows[i] = i * step;
  const idx = new KeyIndex(
    cols.map((c) => takeColumn(c, rows)),
    SAMPLE,
    false,
  );
  return idx.count >= SAMPLE * 0.99;
}

/** Rows whose every key is present (all rows: undefined). */
export function rowsWithKeys(cols: readonly Column[], n: number): Int32Array | undefined {
  let keep: Uint8Array | undefined;
  for (const c of cols) {
    const missing = missingMask(c, n);
    if (missing === undefined) continue;
    keep ??= new Uint8Array(n).fill(1);
    for (let i = 0; i < n; i++) if (missing[i] === 1) keep[i] = 0;
  }
  if (keep === undefined) return undefined;
  let m = 0;
  for (let i = 0; i < n; i++) m += keep[i];
  const rows = new Int32Array(m);
  m = 0;
  for (let i = 0; i < n; i++) if (keep[i] === 1) rows[m++] = i;
  return rows;
}

/** 1 where a key is missing, one loop per storage (undefined: none missing). */
function missingMask(c: Column, n: number): Uint8Array | undefined {
  const d = c.data;
  let out: Uint8Array | undefined;
  if (c.dtype === 'int64' || c.dtype === 'int32') return undefined;
  if (d instanceof Int32Array) {
    for (let i = 0; i < n; i++) if (d[i] < 0) (out ??= new Uint8Array(n))[i] = 1;
  } else if (d instanceof Float64Array) {
    for (let i = 0; i < n; i++) if (d[i] !== d[i]) (out ??= new Uint8Array(n))[i] = 1;
  } else {
    for (let i = 0; i < n; i++) if (missingOf(c, i)) (out ??= new Uint8Array(n))[i] = 1;
  }
  return out;
}
