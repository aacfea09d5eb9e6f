/** Datetime kernels: `.dt` fields and `toDatetime` (strings parsed once per distinct value). */
import { kernel } from '../../core/kernels.js';
import { type Column, Frame, pythonFloatText } from '../frame.js';
import { parseDate, parseWithFormat } from '../parse/datetime.js';

export type DtField = 'year' | 'month' | 'day' | 'dayofweek' | 'hour' | 'minute' | 'second' | 'dayofyear' | 'quarter' | 'date';

const DAY = 86400000;

function field(ms: number, f: DtField): number {
  if (ms !== ms) return NaN;
  switch (f) {
    case 'date':
      return Math.floor(ms / DAY) * DAY;
    case 'dayofweek':
      // 1970-01-01 was a Thursday; Monday = 0 as in pandas.
      return (((Math.floor(ms / DAY) + 3) % 7) + 7) % 7;
    case 'hour':
      return Math.floor((((ms % DAY) + DAY) % DAY) / 3600000);
    case 'minute':
      return Math.floor((((ms % 3600000) + 3600000) % 3600000) / 60000);
    case 'second':
      return Math.floor((((ms % 60000) + 60000) % 60000) / 1000);
    case 'year':
    case 'month':
    case 'day':
    case 'quarter':
    case 'dayofyear':
      break; // calendar fields: below, from a Date
  }
  const d = new Date(ms);
  switch (f) {
    case 'year':
      return d.getUTCFullYear();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'day':
      return d.getUTCDate();
    case 'quarter':
      return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'dayofyear':
      return Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;
  }
}

/**
 * A field of each timestamp: int64, or float64 when a timestamp is missing (NaN), as in pandas.
 * `wide`: the meta knows the column holds missing values, so every partition is float64
 * (column/meta-facts.ts), also one that happens to hold none.
 */
export const dtField = kernel('dataframe.dt', (part: Frame, f: DtField, wide: boolean = false): Frame => {
  const c = part.series;
  if (c.dtype !== 'datetime') {
    throw new TypeError(
      `.dt.${f}(): '${part.names[0]}' is ${c.dtype}, not datetime; convert it with dd.toDatetime(s) or readCsv({ parseDates: ['${part.names[0]}'] })`,
    );
  }
  const src = c.data as Float64Array;
  const out = new Float64Array(src.length);
  let missing = false;
  // Fields repeat a lot (dates of a day); cache the last input.
  let last = NaN;
  let lastOut = NaN;
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (x !== x) {
      out[i] = NaN;
      missing = true;
    } else if (x === last) out[i] = lastOut;
    else {
      last = x;
      lastOut = out[i] = field(x, f);
    }
  }
  const dtype = f === 'date' ? 'datetime' : missing || wide ? 'float64' : 'int64';
  return new Frame(part.names, [{ dtype, data: out }], part.length, part.index);
});

/** Time units for numbers since the epoch (pandas' `unit`), in milliseconds. */
export const TIME_UNITS = { D: 86_400_000, s: 1000, ms: 1, us: 1e-3, ns: 1e-6 } as const;
export type TimeUnit = keyof typeof TIME_UNITS;

/** Milliseconds a Date can hold either side of the epoch. */
const MAX_MS = 8.64e15;

/** How numbers become text for a `format`: integers (also integral floats, as pandas 1.5 reads them) by their digits, other floats as Python writes them. */
function numberText(x: number): string {
  return Number.isInteger(x) ? (Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString()) : pythonFloatText(x);
}

function unparsable(what: string, name: string, how: string): TypeError {
  return new TypeError(`toDatetime: cannot parse ${what} in '${name}'${how}; pass { errors: 'coerce' } to turn it into a missing value`);
}

/** Numbers with a format (read as their decimal text) or a unit (time since 1970-01-01). */
function parseNumbers(c: Column, name: string, format: string | null, unit: TimeUnit | null, errors: 'raise' | 'coerce'): Column {
  const src = c.data;
  const out = new Float64Array(src.length);
  const scale = unit === null ? 0 : TIME_UNITS[unit];
  // Values repeat (dates of a day): parse each distinct number once.
  const seen = new Map<number, number>();
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (x !== x) {
      out[i] = NaN;
      continue;
    }
    let t = seen.get(x);
    if (t === undefined) {
      t = format !== null ? parseWithFormat(numberText(x), format) : x * scale;
      if (!(Math.abs(t) <= MAX_MS)) {
        if (errors === 'raise')
          throw unparsable(
            format !== null ? `${numberText(x)}` : `${x}`,
            name,
            format !== null ? ` with format '${format}'` : ` as ${unit} since 1970-01-01 (out of range)`,
          );
        t = NaN;
      }
      seen.set(x, t);
    }
    out[i] = t;
  }
  return { dtype: 'datetime', data: out };
}

/**
 * A column as datetimes. Text is parsed (with `format`, Python's strptime rules); numbers are
 * read as their digits with a `format` (20090620 with '%Y%m%d') or as time since the epoch
 * with a `unit`. Numbers with neither are an error rather than pandas' nanoseconds: an int64
 * column here holds at most 2^53 (104 days of nanoseconds), so such a column is nearly always
 * digits or seconds, and guessing would give 1970 dates silently.
 */
export function parseDatesColumn(c: Column, name: string, format: string | null, errors: 'raise' | 'coerce', unit: TimeUnit | null = null): Column {
  if (format !== null && unit !== null) throw new TypeError(`toDatetime: give either format or unit for '${name}', not both`);
  if (unit !== null && !Object.hasOwn(TIME_UNITS, unit))
    throw new TypeError(`toDatetime: unknown unit '${String(unit)}' for '${name}'; use one of ${Object.keys(TIME_UNITS).join(', ')}`);
  if (c.dtype === 'datetime') return c;
  if (c.dtype === 'bool') throw new TypeError(`toDatetime: '${name}' is bool, which has no datetime reading`);
  if (c.dtype !== 'string') {
    if (format === null && unit === null) {
      throw new TypeError(
        `toDatetime: '${name}' is ${c.dtype}; say how to read its numbers: { format: '%Y%m%d' } (or another format) parses the digits ` +
          `(20090620 -> 2009-06-20), { unit: 's' } ('D', 's', 'ms', 'us', 'ns') reads time since 1970-01-01`,
      );
    }
    return parseNumbers(c, name, format, unit, errors);
  }
  const dict = c.dict!;
  const parsed = new Float64Array(dict.length);
  for (let k = 0; k < dict.length; k++) {
    let v: number;
    if (unit !== null) {
      const x = dict[k].trim() === '' ? NaN : Number(dict[k]);
      v = Math.abs(x * TIME_UNITS[unit]) <= MAX_MS ? x * TIME_UNITS[unit] : NaN;
    } else v = format ? parseWithFormat(dict[k], format) : parseDate(dict[k]);
    if (v !== v && errors === 'raise') {
      throw unparsable(`'${dict[k]}'`, name, format ? ` with format '${format}'` : unit !== null ? ` as a number of ${unit}` : ', or give { format }');
    }
    parsed[k] = v;
  }
  const codes = c.data as Int32Array;
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? NaN : parsed[codes[i]];
  return { dtype: 'datetime', data: out };
}

export const toDatetime = kernel(
  'dataframe.to-datetime',
  (part: Frame, format: string | null, errors: 'raise' | 'coerce', unit: TimeUnit | null = null): Frame => {
    return new Frame(part.names, [parseDatesColumn(part.series, part.names[0], format, errors, unit)], part.length, part.index);
  },
);
