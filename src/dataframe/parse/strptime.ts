/**
 * Parsing with a strftime-style format the way pandas 1.5 does for a non-ISO format (Python's
 * strptime rules): each code matches a regular expression of its own, tried longest first and
 * backtracking, so '%m%d%Y' reads 6202009 as 6/20/2009 and 1012010 as 10/1/2010. The match must
 * cover the whole text; letters match in any case; whitespace in the format matches any run of
 * whitespace. Missing fields default as in Python (year 1900, January, day 1, midnight); naive
 * times are UTC, and %z offsets are converted to UTC.
 */

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Longest alternatives first, so a regex alternation prefers them. */
const names = (xs: readonly string[]): string => [...xs].sort((a, b) => b.length - a.length).join('|');

/** The pattern of each supported code (one capturing group each). */
const CODES: Readonly<Record<string, string>> = {
  Y: String.raw`(\d\d\d\d)`,
  y: String.raw`(\d\d)`,
  m: String.raw`(1[0-2]|0[1-9]|[1-9])`,
  d: String.raw`(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])`,
  j: String.raw`(36[0-6]|3[0-5]\d|[12]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9])`,
  H: String.raw`(2[0-3]|[01]\d|\d)`,
  I: String.raw`(1[0-2]|0[1-9]|[1-9])`,
  M: String.raw`([0-5]\d|\d)`,
  S: String.raw`(6[01]|[0-5]\d|\d)`,
  f: String.raw`(\d{1,9})`,
  p: '(am|pm)',
  z: String.raw`([+-]\d\d:?[0-5]\d(?::?[0-5]\d(?:\.\d{1,6})?)?|Z)`,
  b: `(${names(MONTHS.map((m) => m.slice(0, 3)))})`,
  B: `(${names(MONTHS)})`,
  a: `(${names(DAYS.map((d) => d.slice(0, 3)))})`,
  A: `(${names(DAYS)})`,
};

interface Compiled {
  re: RegExp;
  /** The code of each capturing group, in order. */
  codes: string[];
}

const cache = new Map<string, Compiled>();

function compile(format: string): Compiled {
  let src = '^';
  const codes: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === '%') {
      const code = format[++i];
      if (code === '%') src += '%';
      else if (code !== undefined && CODES[code] !== undefined) {
        if (codes.includes(code)) throw new TypeError(`toDatetime: format '${format}' has %${code} twice`);
        codes.push(code);
        src += CODES[code];
      } else
        throw new TypeError(
          `toDatetime: unsupported format code %${code ?? ''} in '${format}'; supported: ${Object.keys(CODES)
            .map((c) => `%${c}`)
            .join(' ')} %%`,
        );
    } else if (/\s/.test(ch)) {
      while (i + 1 < format.length && /\s/.test(format[i + 1])) i++;
      src += String.raw`\s+`;
    } else src += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return { re: new RegExp(src, 'i'), codes };
}

/** Date.UTC for any year (Date.UTC reads years 0-99 as 1900-1999); month 1-12, day may exceed the month. */
function utc(y: number, mo: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getTime();
}

function daysInMonth(y: number, mo: number): number {
  return new Date(utc(y, mo + 1, 0)).getUTCDate();
}

/** Milliseconds since the epoch (UTC) of `s` read with `format`; NaN when it does not match. */
export function parseWithFormat(s: string, format: string): number {
  let c = cache.get(format);
  if (c === undefined) {
    c = compile(format);
    cache.set(format, c);
  }
  const m = c.re.exec(s);
  if (m === null || m[0].length !== s.length) return NaN;
  let y = 1900;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let offset = 0;
  let hour12 = -1;
  let pm = -1;
  let julian = -1;
  c.codes.forEach((code, k) => {
    const v = m[k + 1];
    switch (code) {
      case 'Y':
        y = Number(v);
        break;
      case 'y':
        y = Number(v) + (Number(v) <= 68 ? 2000 : 1900);
        break;
      case 'm':
        mo = Number(v);
        break;
      case 'd':
        d = Number(v);
        break;
      case 'j':
        julian = Number(v);
        break;
      case 'H':
        h = Number(v);
        break;
      case 'I':
        hour12 = Number(v);
        break;
      case 'M':
        mi = Number(v);
        break;
      case 'S':
        sec = Number(v);
        break;
      case 'f':
        ms = Number(v.padEnd(9, '0')) / 1e6;
        break;
      case 'p':
        pm = v.toLowerCase() === 'pm' ? 1 : 0;
        break;
      case 'z':
        offset = v.toUpperCase() === 'Z' ? 0 : zoneOffset(v);
        break;
      case 'b':
      case 'B':
        mo = MONTHS.findIndex((name) => name.startsWith(v.toLowerCase())) + 1;
        break;
      // %a / %A are checked by the pattern and otherwise ignored, as in Python.
    }
  });
  // %I is a 12-hour clock: 12 AM (or no %p) is hour 0; %p only matters with %I.
  if (hour12 >= 0) h = pm === 1 ? (hour12 % 12) + 12 : hour12 % 12;
  if (sec > 59) return NaN;
  if (julian >= 0) {
    const t = utc(y, 1, julian);
    if (new Date(t).getUTCFullYear() !== y) return NaN; // day 366 of a common year
    return t + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset;
  }
  if (d > daysInMonth(y, mo)) return NaN;
  return utc(y, mo, d) + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset;
}

/** A %z offset (+HHMM, +HH:MM, +HH:MM:SS) in milliseconds. */
function zoneOffset(z: string): number {
  const digits = z.slice(1).replace(/:/g, '');
  const secs = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60 + Number(digits.slice(4, 6) || 0);
  return (z[0] === '-' ? -1 : 1) * secs * 1000;
}
