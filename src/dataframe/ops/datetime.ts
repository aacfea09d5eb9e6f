/** Datetime kernels: `.dt` fields and `toDatetime` (strings parsed once per distinct value). */
import { kernel } from '../../core/kernels.js';
import { type Column, Frame } from '../frame.js';
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

export const dtField = kernel('dataframe.dt', (part: Frame, f: DtField): Frame => {
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
  const dtype = f === 'date' ? 'datetime' : missing ? 'float64' : 'int64';
  return new Frame(part.names, [{ dtype, data: out }], part.length, part.index);
});

export function parseDatesColumn(c: Column, name: string, format: string | null, errors: 'raise' | 'coerce'): Column {
  if (c.dtype === 'datetime') return c;
  if (c.dtype !== 'string') {
    if (c.dtype === 'bool') throw new TypeError(`toDatetime: '${name}' is bool`);
    // Numbers are epoch milliseconds.
    return { dtype: 'datetime', data: Float64Array.from(c.data) };
  }
  const dict = c.dict!;
  const parsed = new Float64Array(dict.length);
  for (let k = 0; k < dict.length; k++) {
    const v = format ? parseWithFormat(dict[k], format) : parseDate(dict[k]);
    if (v !== v && errors === 'raise') {
      throw new TypeError(
        `toDatetime: cannot parse '${dict[k]}' in '${name}'${format ? ` with format '${format}'` : ''}; pass { errors: 'coerce' } to turn it into a missing value${format ? '' : ', or give { format }'}`,
      );
    }
    parsed[k] = v;
  }
  const codes = c.data as Int32Array;
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? NaN : parsed[codes[i]];
  return { dtype: 'datetime', data: out };
}

export const toDatetime = kernel('dataframe.to-datetime', (part: Frame, format: string | null, errors: 'raise' | 'coerce'): Frame => {
  return new Frame(part.names, [parseDatesColumn(part.series, part.names[0], format, errors)], part.length, part.index);
});
