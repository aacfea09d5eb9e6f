/** dd.toDatetime / dd.toNumeric: series conversions (strings parsed once per distinct value). */
import type { Series } from './series.js';
import { toDatetime as toDatetimeKernel } from './ops/datetime.js';
import { toNumeric as toNumericKernel } from './ops/strings.js';

export interface ToDatetimeOptions {
  /** strftime codes: %Y %m %d %H %M %S %f %y %b %B %p %I */
  format?: string;
  errors?: 'raise' | 'coerce';
}

export function toDatetime(s: Series, opts: ToDatetimeOptions = {}): Series {
  return s._derive('to-datetime', toDatetimeKernel, [s, opts.format ?? null, opts.errors ?? 'raise']);
}

export function toNumeric(s: Series, opts: { errors?: 'raise' | 'coerce' } = {}): Series {
  return s._derive('to-numeric', toNumericKernel, [s, opts.errors ?? 'raise']);
}
