/**
 * pandas as the referee for small suites: the same columns go to tsdask (as partitions) and to
 * pandas (Debian python3-pandas under /usr/bin/python3), and a suite compares the answers.
 * Under CI=true a suite needing pandas must run; elsewhere, without pandas, it is skipped with
 * a message naming the package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import t from 'tap';
import * as dd from '../../src/dataframe/index.js';
import { type Cell, type DType, Frame } from '../../src/dataframe/frame.js';

const PYTHON = '/usr/bin/python3';
export const hasPandas = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;

/** Columns of plain values with their dtypes: what both sides build their frame from. */
export interface Table {
  columns: Record<string, Cell[]>;
  dtypes: Record<string, DType>;
}

// The preamble: `frame(table)` builds the pandas frame of a Table (strings as object, dates
// from epoch ms, missing as NaN / None / NaT), and `plain(x)` makes answers JSON: numpy
// scalars as Python ones, NaN as None, timestamps as ISO text with a Z.
const PREAMBLE = `
import json, math, sys
import numpy as np
import pandas as pd

def frame(table):
    cols = {}
    for name, values in table["columns"].items():
        t = table["dtypes"][name]
        if t == "datetime":
            cols[name] = pd.to_datetime(pd.Series([np.nan if v is None else v for v in values], dtype="float64"), unit="ms")
        elif t in ("int64", "int32"):
            cols[name] = pd.Series(values, dtype="int64")
        elif t == "float64":
            cols[name] = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
        elif t == "bool":
            cols[name] = pd.Series(values, dtype="bool" if None not in values else "object")
        else:
            cols[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(cols)

def plain(x):
    if isinstance(x, (pd.Series, pd.Index, np.ndarray)):
        return [plain(v) for v in list(x)]
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, pd.Timestamp):
        return x.strftime("%Y-%m-%dT%H:%M:%S.") + f"{x.microsecond // 1000:03d}Z"
    if x is pd.NaT or x is None:
        return None
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and math.isnan(x):
        return None
    return x

data = json.loads(sys.stdin.read())
`;

/** Run `script` (Python, after the preamble; `data` holds `input`) and return its `out`, made plain. */
export function pandas<T = unknown>(script: string, input: unknown): T {
  const code = `${PREAMBLE}\n${script}\nprint(json.dumps(plain(out)))\n`;
  const r = spawnSync(PYTHON, ['-W', 'ignore', '-c', code], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`pandas reference failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A lazy frame over `table`, cut into partitions of the given row counts (0 for an empty one). */
export function frameOf(table: Table, sizes: readonly number[]): dd.DataFrame {
  const total = sizes.reduce((a, b) => a + b, 0);
  const names = Object.keys(table.columns);
  for (const n of names) if (table.columns[n].length !== total) throw new Error(`column ${n} has ${table.columns[n].length} values for ${total} rows`);
  const parts: Frame[] = [];
  let at = 0;
  for (const size of sizes) {
    const cols: Record<string, Cell[]> = {};
    for (const n of names) cols[n] = table.columns[n].slice(at, at + size);
    parts.push(Frame.fromColumns(cols, table.dtypes));
    at += size;
  }
  return dd.fromFrames(parts);
}

/** Values made comparable with the plain JSON from pandas: Dates as ISO text, NaN as null. */
export function plain(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(plain);
  if (x instanceof Date) return x.toISOString();
  if (typeof x === 'number' && Number.isNaN(x)) return null;
  return x;
}

/** Register a suite that needs pandas, or its skip (never under CI=true). */
export function withPandas(name: string, fn: () => void): void {
  if (!hasPandas && process.env.CI !== 'true') {
    t.test(name, { skip: 'pandas is not installed: apt-get install -y python3-pandas (with CI=true this fails instead)' }, async () => {});
  } else fn();
}
