/** The inputs the DataFrame, Series and GroupBy cases share: the messy files, read once per suite. */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dd from '../../../src/dataframe/index.js';
import { type MessyFiles, Rng, writeMessy } from '../generate.js';
import type { Suite } from '../harness.js';

export interface FrameCtx {
  m: MessyFiles;
  /** The messy frame: four files, one of them empty, so four partitions with an empty one. */
  ddf: dd.DataFrame;
  /** The table to merge with. */
  right: dd.DataFrame;
  /** A folder for what cases write (toCsv). */
  out: string;
}

/** Numeric-like columns without the int64-past-2^53 column `big` (its own cases). */
export const NUM = ['k2', 'i', 'f', 'g', 'b', 'na', 'lim'] as const;
/** NUM without the bool column (pandas 1.5's quantile raises on bools). */
export const NUMQ = ['k2', 'i', 'f', 'g', 'na', 'lim'] as const;

/** A small table with a unique, shuffled int key (for setIndex, which danfo needs unique). */
export function uniqueTable(): { id: number[]; v: number[] } {
  const r = new Rng(99);
  const id = Array.from({ length: 300 }, (_, i) => i * 7 - 1000);
  for (let i = id.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [id[i], id[j]] = [id[j], id[i]];
  }
  return { id, v: id.map(() => r.int(-50, 50) / 4) };
}

export function frameInputs(name: string): Pick<Suite<FrameCtx>, 'datasets' | 'vars' | 'context'> & { m: MessyFiles; out: string } {
  const dir = mkdtempSync(join(tmpdir(), `tsdask-diff-${name}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const m = writeMessy(join(dir, 'data'));
  const out = join(dir, 'out');
  return {
    m,
    out,
    datasets: {
      df: { files: m.files, parse_dates: ['d'] },
      right: { files: [m.right] },
      infdf: { files: [m.inf] },
    },
    vars: { files: m.files, out, empty_first: m.emptyFirst, NUM: [...NUM], NUMQ: [...NUMQ], uniq: uniqueTable() },
    context: () => ({
      m,
      ddf: dd.readCsv(m.files, { parseDates: ['d'] }),
      right: dd.readCsv(m.right),
      out,
    }),
  };
}
