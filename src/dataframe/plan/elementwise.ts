/**
 * Element-wise builders: missing values (frames and series), and series arithmetic,
 * comparison, logic, membership, casts, map and the dt / str accessors.
 */
import {
  type Cell,
  type Column,
  type DType,
  type DTypeName,
  emptyColumn,
  Frame,
  inferDType,
  KeyError,
  knownMissing,
  knownZeros,
  missingIf,
  normalizeDType,
  normalizeDTypeLabel,
  sameAlias,
} from '../frame.js';
import { arith as arithKernel, type ArithOp, neg as negKernel } from '../ops/arith.js';
import { astype as astypeKernel } from '../ops/astype.js';
import { rename as renameKernel } from '../ops/columns.js';
import { compare as compareKernel, type CompareOp } from '../ops/compare.js';
import { dtField, type DtField, type TimeUnit, toDatetime as toDatetimeKernel } from '../ops/datetime.js';
import { filter as filterKernel } from '../ops/filter.js';
import { between as betweenKernel, isin as isinKernel } from '../ops/isin.js';
import { logical, not as notKernel } from '../ops/logic.js';
import { mapValues } from '../ops/map.js';
import { dropna as dropnaKernel, fillna as fillnaKernel, isna as isnaKernel } from '../ops/missing.js';
import { strOp, type StrOp, type StrTestOptions, toNumeric as toNumericKernel } from '../ops/strings.js';
import { blockwise, derive, inferMeta } from './blockwise.js';
import { type FrameSpec, isSeriesSpec, isSingle, type Kind, type ScalarSpec } from './spec.js';

/** Anything a series operation accepts as its other side. */
export type Operand = FrameSpec<'series'> | ScalarSpec | number | string | boolean | Date | null;

// ---- missing values (frames and series) ----

/** The meta of a series' notna() mask -> the prefix of that series: filtering a series by its own mask leaves no missing value. */
const NOTNA_OF = new WeakMap<Frame, string>();

/** The first meta column of a series spec. */
function metaColumn(s: FrameSpec<'series'>): Column {
  return s.meta.columns[0];
}

/** `meta` with fresh (unmarked) columns where `names` (all when null) no longer hold missing values (column/meta-facts.ts). */
function withoutMissing(meta: Frame, names: readonly string[] | null): Frame {
  const cols = meta.columns.map((c, i) => (names === null || names.includes(meta.names[i]) ? sameAlias(emptyColumn(c.dtype), c) : c));
  return new Frame(meta.names, cols, meta.length, meta.index);
}

/** Missing (`want` 1) or present (`want` 0) masks. */
export function isna<K extends Kind>(f: FrameSpec<K>, want: 0 | 1): FrameSpec<K> {
  const out = derive(f.kind, want === 1 ? 'isna' : 'notna', isnaKernel, [f, want]);
  if (want === 0 && f.kind === 'series') NOTNA_OF.set(out.meta, f.prefix);
  return out;
}
export function fillna<K extends Kind>(f: FrameSpec<K>, value: Cell | Readonly<Record<string, Cell>>): FrameSpec<K> {
  const meta = inferMeta('fillna', fillnaKernel, [f, value]);
  const filled = value === null ? [] : typeof value === 'object' && !(value instanceof Date) ? Object.keys(value).filter((k) => value[k] !== null) : null;
  return blockwise(f.kind, 'fillna', fillnaKernel, [f, value], withoutMissing(meta, filled));
}
export function dropna<K extends Kind>(f: FrameSpec<K>, subset: readonly string[] | null = null, how: 'any' | 'all' = 'any'): FrameSpec<K> {
  for (const n of subset ?? []) if (!f.meta.has(n)) throw new KeyError(n, f.meta.names);
  const args = [f, subset ? [...subset] : null, how];
  const meta = inferMeta('dropna', dropnaKernel, args);
  // how 'all' keeps rows with some missing values; 'any' drops every row with one in the subset.
  return blockwise(f.kind, 'dropna', dropnaKernel, args, how === 'any' ? withoutMissing(meta, subset ?? null) : meta);
}

// ---- series ----

export function arith(s: FrameSpec<'series'>, other: Operand, op: ArithOp): FrameSpec<'series'> {
  checkArithTypes(s, other, op);
  // int results hold NaN where a side is missing, or for % by a zero of the other side.
  const o = isSeriesSpec(other) ? metaColumn(other) : undefined;
  const wide = knownMissing(metaColumn(s)) || (o !== undefined && (knownMissing(o) || (op === 'mod' && knownZeros(o))));
  const out = derive('series', op, arithKernel, [s, other, op, false, wide]);
  missingIf(metaColumn(out), wide);
  return out;
}

/** An operand as error text and dtype: `string column 'Origin'`, `the number 3`, ... */
function describeOperand(x: Operand): { text: string; dtype: DType | 'null' } {
  if (isSeriesSpec(x)) {
    const dtype = x.meta.columns[0].dtype;
    return { text: `${dtype} column '${x.meta.names[0]}'`, dtype };
  }
  const v = isSingle(x) ? x.metaValue : x;
  if (v === null || v === undefined) return { text: 'null', dtype: 'null' };
  if (typeof v === 'string') return { text: isSingle(x) ? 'a string Scalar' : `the string ${JSON.stringify(v)}`, dtype: 'string' };
  if (v instanceof Date) return { text: isSingle(x) ? 'a datetime Scalar' : `the date ${v.toISOString()}`, dtype: 'datetime' };
  if (typeof v === 'boolean') return { text: isSingle(x) ? 'a bool Scalar' : `the boolean ${String(v)}`, dtype: 'bool' };
  if (typeof v === 'number') return { text: isSingle(x) ? 'a number Scalar' : `the number ${v}`, dtype: 'float64' };
  return { text: 'a Scalar', dtype: 'float64' };
}

/**
 * Text meets numbers only in pandas' one string operation, concatenation: `add` of two string
 * sides. Anything else mixing a string side raises TypeError there, and here when the graph is
 * built, naming both sides.
 */
function checkArithTypes(s: FrameSpec<'series'>, other: Operand, op: ArithOp): void {
  const left = describeOperand(s);
  const right = describeOperand(other);
  if (left.dtype !== 'string' && right.dtype !== 'string') return;
  if (right.dtype === 'null') return;
  if (op === 'add' && left.dtype === 'string' && right.dtype === 'string') return;
  const how = op === 'add' ? 'only joins two string sides' : `is not defined for strings`;
  throw new TypeError(
    `${op}: cannot ${op} ${left.text} and ${right.text} (${op} ${how}, as in pandas); ` +
      `convert a side first: .astype('string') to join text, dd.toNumeric(...) for numbers`,
  );
}
/** `out` (an op that keeps missing values missing) knows what `s` knew about missing values. */
function keepsMissing(s: FrameSpec<'series'>, out: FrameSpec<'series'>): FrameSpec<'series'> {
  missingIf(metaColumn(out), knownMissing(metaColumn(s)));
  return out;
}
export function neg(s: FrameSpec<'series'>): FrameSpec<'series'> {
  return keepsMissing(s, derive('series', 'neg', negKernel, [s]));
}
export function compare(s: FrameSpec<'series'>, other: Operand, op: CompareOp): FrameSpec<'series'> {
  return derive('series', op, compareKernel, [s, other, op]);
}
export function logic(s: FrameSpec<'series'>, other: FrameSpec<'series'> | boolean, op: 'and' | 'or' | 'xor'): FrameSpec<'series'> {
  return derive('series', op, logical, [s, other, op]);
}
export function not(s: FrameSpec<'series'>): FrameSpec<'series'> {
  return derive('series', 'not', notKernel, [s]);
}
export function isin(s: FrameSpec<'series'>, values: readonly Cell[]): FrameSpec<'series'> {
  return derive('series', 'isin', isinKernel, [s, [...values]]);
}
export function between(s: FrameSpec<'series'>, lo: Cell, hi: Cell, inclusive: 'both' | 'neither' | 'left' | 'right'): FrameSpec<'series'> {
  return derive('series', 'between', betweenKernel, [s, lo, hi, inclusive]);
}
export function astype(s: FrameSpec<'series'>, dtype: DTypeName): FrameSpec<'series'> {
  return keepsMissing(s, derive('series', 'astype', astypeKernel, [s, { [s.meta.names[0]]: normalizeDTypeLabel(dtype, 'astype') }]));
}
export function rename(s: FrameSpec<'series'>, name: string): FrameSpec<'series'> {
  return keepsMissing(s, derive('series', 'rename', renameKernel, [s, { [s.meta.names[0]]: name }]));
}
/** Rows where `mask` is true (the mask is not checked here: a bad one fails in the kernel). */
export function filter(s: FrameSpec<'series'>, mask: FrameSpec<'series'>): FrameSpec<'series'> {
  const own = NOTNA_OF.get(mask.meta) === s.prefix;
  return blockwise('series', 'filter', filterKernel, [s, mask], own ? withoutMissing(s.meta, null) : s.meta);
}

/**
 * `fn` on every value (null for missing). The output dtype is `meta`, or inferred by calling
 * `fn` on two stand-in values of the series' dtype; then each partition widens to what its
 * real values need (ops/map.ts), as Dask's inferred meta does not bind the computed data.
 */
export function map(s: FrameSpec<'series'>, fn: (value: Cell) => Cell, meta?: DTypeName): FrameSpec<'series'> {
  let dtype: DType;
  if (meta !== undefined) dtype = normalizeDType(meta, 'map meta');
  else {
    const standIns: Record<DType, Cell[]> = {
      float64: [1.5, 2],
      int64: [1, 2],
      int32: [1, 2],
      bool: [true, false],
      string: ['a', 'b'],
      datetime: [new Date(0), new Date(86400000)],
    };
    try {
      dtype = inferDType(standIns[s.meta.columns[0].dtype].map((v) => fn(v)));
    } catch (e) {
      throw new TypeError(
        `map: could not infer the output dtype by calling ${fn.name || 'the function'} on stand-in values (${(e as Error).message}); pass { meta: 'float64' } (or another dtype)`,
        { cause: e },
      );
    }
  }
  return blockwise('series', 'map', mapValues, [s, fn, dtype, meta !== undefined], new Frame([s.meta.names[0]], [emptyColumn(dtype)], 0));
}

/** A field of a datetime series (UTC). */
export function dt(s: FrameSpec<'series'>, field: DtField): FrameSpec<'series'> {
  const missing = knownMissing(metaColumn(s));
  const out = derive('series', `dt-${field}`, dtField, [s, field, missing]);
  missingIf(metaColumn(out), missing);
  return out;
}
/** A string function, applied once per distinct value. */
export function str(s: FrameSpec<'series'>, op: StrOp, args: readonly unknown[] = []): FrameSpec<'series'> {
  const missing = knownMissing(metaColumn(s));
  const out = derive('series', `str-${op}`, strOp, [s, op, args, missing]);
  // A missing value stays missing, unless a test's `na` says what it tests as.
  const na = (args[1] as StrTestOptions | undefined)?.na;
  const tests = op === 'contains' || op === 'match' || op === 'startswith' || op === 'endswith';
  missingIf(metaColumn(out), missing && !(tests && na !== undefined && na !== null));
  return out;
}

export interface ToDatetimeOptions {
  /** strftime codes, read by Python's strptime rules: %Y %y %m %d %j %H %I %p %M %S %f %z %b %B %a %A %%. Numbers are read as their digits. */
  format?: string;
  /** Numbers as time since 1970-01-01 in days, seconds, ms, us or ns (numbers need a format or a unit). */
  unit?: TimeUnit;
  errors?: 'raise' | 'coerce';
}
export function toDatetime(s: FrameSpec<'series'>, opts: ToDatetimeOptions = {}): FrameSpec<'series'> {
  const out = derive('series', 'to-datetime', toDatetimeKernel, [s, opts.format ?? null, opts.errors ?? 'raise', opts.unit ?? null]);
  missingIf(metaColumn(out), knownMissing(metaColumn(s)));
  return out;
}
export function toNumeric(s: FrameSpec<'series'>, opts: { errors?: 'raise' | 'coerce' } = {}): FrameSpec<'series'> {
  const missing = knownMissing(metaColumn(s));
  const out = derive('series', 'to-numeric', toNumericKernel, [s, opts.errors ?? 'raise', missing]);
  missingIf(metaColumn(out), missing);
  return out;
}
