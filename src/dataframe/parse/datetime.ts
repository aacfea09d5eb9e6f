/**
 * Date parsing. Naive timestamps are read as UTC (pandas' naive datetimes have no zone;
 * reading them in local time would shift values between machines). Fast path for ISO-like
 * text; `format` takes strftime codes (strptime.ts).
 */

function valid(y: number, mo: number, d: number, h: number, mi: number, sec: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return false;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= dim;
}

/** `YYYY-MM-DD`, `YYYY/MM/DD`, optional `[ T]HH:MM[:SS[.fff]]` and `Z`/`±HH:MM`; else NaN. */
export function parseIso(s: string): number {
  return isoFrom((i) => s.charCodeAt(i), s.length);
}

/** parseIso over bytes [s, e) (no string made); NaN when not ISO-like. */
export function parseIsoBytes(buf: Uint8Array, s: number, e: number): number {
  return isoFrom((i) => (s + i < e ? buf[s + i] : NaN), e - s);
}

function digitsAt(code: (i: number) => number, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = code(at + i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** `YYYY-MM-DD`, `YYYY/MM/DD`, optional `[ T]HH:MM[:SS[.fff]]` and `Z`/`±HH:MM`; else NaN. */
function isoFrom(code: (i: number) => number, n: number): number {
  if (n < 8) return NaN;
  const y = digitsAt(code, 0, 4);
  const sep = code(4);
  if (y < 0 || (sep !== 45 && sep !== 47)) return NaN; // '-' or '/'
  let at = 5;
  let mo = 0;
  let k = 0;
  for (; k < 2 && at < n && code(at) >= 48 && code(at) <= 57; k++, at++) mo = mo * 10 + code(at) - 48;
  if (k === 0 || code(at) !== sep) return NaN;
  at++;
  let d = 0;
  for (k = 0; k < 2 && at < n && code(at) >= 48 && code(at) <= 57; k++, at++) d = d * 10 + code(at) - 48;
  if (k === 0) return NaN;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let offset = 0;
  if (at < n) {
    const t = code(at);
    if (t !== 32 && t !== 84) return NaN; // ' ' or 'T'
    at++;
    h = digitsAt(code, at, 2);
    if (h < 0 || code(at + 2) !== 58) return NaN;
    mi = digitsAt(code, at + 3, 2);
    if (mi < 0) return NaN;
    at += 5;
    if (at < n && code(at) === 58) {
      sec = digitsAt(code, at + 1, 2);
      if (sec < 0) return NaN;
      at += 3;
      if (at < n && code(at) === 46) {
        at++;
        let scale = 100;
        while (at < n) {
          const c = code(at) - 48;
          if (c < 0 || c > 9) break;
          ms += c * scale;
          scale /= 10;
          at++;
        }
      }
    }
    if (at < n) {
      const z = code(at);
      if (z === 90 && at === n - 1) at++;
      else if ((z === 43 || z === 45) && n - at >= 3) {
        const oh = digitsAt(code, at + 1, 2);
        const om = n - at >= 6 ? digitsAt(code, at + (code(at + 3) === 58 ? 4 : 3), 2) : 0;
        if (oh < 0 || om < 0) return NaN;
        offset = (z === 43 ? 1 : -1) * (oh * 60 + om) * 60000;
        at = n;
      } else return NaN;
    }
  }
  if (at !== n || !valid(y, mo, d, h, mi, sec)) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, sec) + Math.round(ms) - offset;
}

/** Any date text: ISO-like fast path, then US `M/D/YYYY`, then the engine's parser in UTC. */
export function parseDate(s: string): number {
  const t = s.trim();
  if (t === '') return NaN;
  const iso = parseIso(t);
  if (!Number.isNaN(iso) || /^\d{4}[-/]/.test(t)) return iso;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (us) {
    const [mo, d, y, h, mi, sec] = [us[1], us[2], us[3], us[4] ?? '0', us[5] ?? '0', us[6] ?? '0'].map(Number);
    return valid(y, mo, d, h, mi, sec) ? Date.UTC(y, mo - 1, d, h, mi, sec) : NaN;
  }
  // Text with a month name etc.: let the engine parse, pinned to UTC when it has no zone.
  const hasZone = /(Z|[+-]\d{2}:?\d{2}|GMT|UTC)$/i.test(t);
  return Date.parse(hasZone ? t : `${t} UTC`);
}

// Formats follow Python's strptime rules, as pandas does (strptime.ts).
export { parseWithFormat } from './strptime.js';
