/**
 * Helpers for the groupby / merge / shuffle / sort suites: small CSV inputs split into several
 * partitions (so every suite exercises combine steps and shuffles), and computing a collection
 * to its raw columnar partitions (exact dtypes and missing values, no danfo conversion).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTION, type Collection } from '../../src/core/collection.js';
import { compute } from '../../src/core/compute.js';
import type { ComputeOptions } from '../../src/core/options.js';
import * as dd from '../../src/dataframe/index.js';
import { type Cell, type Frame, getCell } from '../../src/dataframe/frame.js';
import { concatFrames } from '../../src/dataframe/ops/concat.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-df-'));
let count = 0;

/** A lazy frame over CSV text, cut into blocks of `blocksize` bytes (several partitions). */
export function csvFrame(text: string, blocksize = 24, opts: Parameters<typeof dd.readCsv>[1] = {}): dd.DataFrame {
  const path = join(dir, `in-${count++}.csv`);
  writeFileSync(path, text);
  return dd.readCsv(path, { blocksize, ...opts });
}

/** Compute a DataFrame or Series to one Frame (its partitions concatenated, in order). */
export async function computeFrame(c: dd.DataFrame | dd.Series, scheduler: ComputeOptions['scheduler']): Promise<Frame> {
  const raw: Collection<Frame> = {
    [COLLECTION]: {
      layer: () => c.layer,
      keys: () => c.keys(),
      finalize: (parts) => concatFrames(parts as Frame[]),
      rebuild: () => raw,
      defaultScheduler: 'sync',
    },
  };
  const [f] = await compute(raw, { scheduler });
  return f;
}

/** Rows as plain objects; NaN -> null, Dates -> ISO strings, floats rounded to 9 digits. */
export function rows(f: Frame, withIndex = false): Array<Record<string, Cell>> {
  const out: Array<Record<string, Cell>> = [];
  for (let i = 0; i < f.length; i++) {
    const r: Record<string, Cell> = {};
    if (withIndex && f.index) r['(index)'] = norm(getCell(f.index, i));
    f.names.forEach((n, j) => (r[n] = norm(getCell(f.columns[j], i))));
    out.push(r);
  }
  return out;
}

export function norm(v: Cell): Cell {
  if (typeof v === 'number') return Number.isNaN(v) ? null : Math.round(v * 1e9) / 1e9;
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** Rows sorted by their JSON text (for results whose row order is not defined). */
export function sortedRows(f: Frame): string[] {
  return rows(f)
    .map((r) => JSON.stringify(r))
    .sort();
}
