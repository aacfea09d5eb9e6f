/**
 * `.str` kernels. Strings are dictionary-encoded, so each function runs once per distinct
 * value and rows are remapped by code.
 */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Column, columnFromValues, Frame } from '../frame.js';

export type StrOp = 'lower' | 'upper' | 'strip' | 'len' | 'contains' | 'match' | 'startswith' | 'endswith' | 'replace' | 'slice';

/** Options of the tests (contains, match, startswith, endswith); `na` is what a missing value tests as (default: missing). */
export interface StrTestOptions {
  regex?: boolean;
  case?: boolean;
  na?: boolean | null;
}

/** The test one of contains / match / startswith / endswith applies to each distinct string. */
function stringTest(op: 'contains' | 'match' | 'startswith' | 'endswith', pat: string | readonly string[], opts: StrTestOptions): (s: string) => boolean {
  if (op === 'startswith' || op === 'endswith') {
    // pandas takes a string or a tuple of strings: true when any of them fits.
    const pats = typeof pat === 'string' ? [pat] : [...pat];
    return op === 'startswith' ? (s) => pats.some((p) => s.startsWith(p)) : (s) => pats.some((p) => s.endsWith(p));
  }
  const text = String(pat);
  if (op === 'match') {
    // Python's re.match: the pattern must match at the start (a sticky regex tries position 0 only).
    const re = new RegExp(text, opts.case === false ? 'iy' : 'y');
    return (s) => {
      re.lastIndex = 0;
      return re.test(s);
    };
  }
  if (opts.regex !== false) {
    const re = new RegExp(text, opts.case === false ? 'i' : '');
    return (s) => re.test(s);
  }
  if (opts.case === false) {
    const p = text.toLowerCase();
    return (s) => s.toLowerCase().includes(p);
  }
  return (s) => s.includes(text);
}

function strings(part: Frame, op: string): Column {
  const c = part.series;
  if (c.dtype !== 'string') throw new TypeError(`.str.${op}(): '${part.names[0]}' is ${c.dtype}, not string; use astype('string') first`);
  return c;
}

/** `wide`: the meta knows the column holds missing values, so str.len is float64 in every partition (column/meta-facts.ts). */
export const strOp = kernel('dataframe.str', (part: Frame, op: StrOp, args: readonly unknown[], wide: boolean = false): Frame => {
  const c = strings(part, op);
  const dict = c.dict!;
  const codes = c.data as Int32Array;
  const n = codes.length;
  const wrap = (col: Column) => new Frame(part.names, [col], part.length, part.index);
  if (op === 'len') {
    const lens = dict.map((s) => [...s].length);
    const out = new Float64Array(n);
    let missing = false;
    for (let i = 0; i < n; i++) {
      if (codes[i] < 0) {
        out[i] = NaN;
        missing = true;
      } else out[i] = lens[codes[i]];
    }
    return wrap({ dtype: missing || wide ? 'float64' : 'int64', data: out });
  }
  if (op === 'contains' || op === 'match' || op === 'startswith' || op === 'endswith') {
    const opts = (args[1] ?? {}) as StrTestOptions;
    const test = stringTest(op, args[0] as string | readonly string[], opts);
    const table = Uint8Array.from(dict, (s) => (test(s) ? 1 : 0));
    // Missing in, missing out (pandas), unless `na` says what a missing value tests as.
    const na = opts.na === undefined || opts.na === null ? BOOL_NA : opts.na ? 1 : 0;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? na : table[codes[i]];
    return wrap({ dtype: 'bool', data: out });
  }
  let f: (s: string) => string;
  switch (op) {
    case 'lower':
      f = (s) => s.toLowerCase();
      break;
    case 'upper':
      f = (s) => s.toUpperCase();
      break;
    case 'strip':
      f = (s) => s.trim();
      break;
    case 'replace': {
      const [pat, repl, regex] = args as [string, string, boolean | undefined];
      f = regex ? (s) => s.replace(new RegExp(pat, 'g'), repl) : (s) => s.split(pat).join(repl);
      break;
    }
    case 'slice': {
      const [start, end] = args as [number, number | undefined];
      f = (s) => s.slice(start, end);
      break;
    }
    default:
      throw new TypeError(`.str: unknown operation '${String(op satisfies never)}'`);
  }
  // New dictionary: mapped values, deduplicated; codes remapped.
  const mapped = columnFromValues(dict.map(f), 'string');
  const remap = mapped.data as Int32Array;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? -1 : remap[codes[i]];
  return wrap({ dtype: 'string', data: out, dict: mapped.dict });
});

/**
 * toNumeric: strings parsed once per distinct value; numbers pass through. Text gives int64
 * when every value is a whole number, else float64 (a missing or unparsable value is NaN);
 * `wide`: the meta knows the column holds missing values, so every partition is float64.
 */
export const toNumeric = kernel('dataframe.to-numeric', (part: Frame, errors: 'raise' | 'coerce', wide: boolean = false): Frame => {
  const c = part.series;
  if (c.dtype !== 'string') {
    if (c.dtype === 'datetime') return new Frame(part.names, [{ dtype: 'float64', data: c.data }], part.length, part.index);
    return part;
  }
  const dict = c.dict!;
  const parsed = new Float64Array(dict.length);
  let allInt = true;
  for (let k = 0; k < dict.length; k++) {
    const s = dict[k].trim();
    const v = s === '' ? NaN : Number(s);
    if (v !== v && errors === 'raise') {
      throw new TypeError(`toNumeric: cannot parse '${dict[k]}' in '${part.names[0]}'; pass { errors: 'coerce' } to turn unparsable values into NaN`);
    }
    if (!Number.isInteger(v)) allInt = false;
    parsed[k] = v;
  }
  const codes = c.data as Int32Array;
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    out[i] = codes[i] < 0 ? NaN : parsed[codes[i]];
    if (codes[i] < 0) allInt = false;
  }
  return new Frame(part.names, [{ dtype: allInt && !wide ? 'int64' : 'float64', data: out }], part.length, part.index);
});
