/** CSV text of a partition (toCsv writes one file per partition: `export-*.csv` -> export-0.csv, ...). */
import { type Column, Frame } from '../frame.js';

export interface ToCsvOptions {
  sep?: string;
  header?: boolean;
  naRep?: string;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function formatDate(ms: number, dateOnly: boolean): string {
  const d = new Date(ms);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (dateOnly) return day;
  const frac = d.getUTCMilliseconds();
  return `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac ? `.${pad(frac, 3)}` : ''}`;
}

function quote(s: string, sep: string): string {
  if (s.includes(sep) || s.includes('"') || s.includes('\n') || s.includes('\r')) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** Text of each row of one column (so rows are joined once). */
function cells(c: Column, n: number, sep: string, na: string): string[] {
  const out = new Array<string>(n);
  const d = c.data;
  switch (c.dtype) {
    case 'string': {
      const dict = c.dict!.map((s) => quote(s, sep));
      for (let i = 0; i < n; i++) out[i] = d[i] < 0 ? na : dict[d[i]];
      break;
    }
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = d[i] === 2 ? na : d[i] === 1 ? 'True' : 'False';
      break;
    case 'datetime': {
      let dateOnly = true;
      for (let i = 0; i < n && dateOnly; i++) if (d[i] === d[i] && d[i] % 86400000 !== 0) dateOnly = false;
      for (let i = 0; i < n; i++) out[i] = d[i] !== d[i] ? na : formatDate(d[i], dateOnly);
      break;
    }
    case 'float64':
      for (let i = 0; i < n; i++) out[i] = d[i] !== d[i] ? na : String(d[i]);
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = String(d[i]);
  }
  return out;
}

export function frameToCsv(part: Frame, opts: ToCsvOptions = {}): string {
  const sep = opts.sep ?? ',';
  const na = opts.naRep ?? '';
  const cols = part.columns.map((c) => cells(c, part.length, sep, na));
  const lines: string[] = [];
  if (opts.header !== false) lines.push(part.names.map((n) => quote(n, sep)).join(sep));
  const row = new Array<string>(cols.length);
  for (let i = 0; i < part.length; i++) {
    for (let j = 0; j < cols.length; j++) row[j] = cols[j][i];
    lines.push(row.join(sep));
  }
  return lines.join('\n') + '\n';
}
