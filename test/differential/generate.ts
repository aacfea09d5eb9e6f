/**
 * Messy data for the differential harness, the same bytes for the same seed: CSV files read
 * identically by tsdask and by pandas. What makes them messy: missing values in every column
 * kind (an all-missing column too), an empty file (an empty partition) among the files,
 * duplicate keys, -0.0, infinities (a file of their own), long strings, quotes and commas inside fields, unicode with
 * emoji, dates, bools, ints near the int32 limits and up to 2^53 - 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A small seeded generator (mulberry32): the same seed gives the same data on every machine. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Keys with duplicates: accents, CJK, emoji (astral), a comma and a quote inside, spaces kept. */
export const KEYS = ['alpha', 'Beta', 'gamma', 'Zürich', 'naïve', 'straße', '日本', '😀 smile', 'a,b', 'say "hi"', ' padded ', 'Ωmega', 'x'];
/**
 * Text mixing astral characters (emoji, U+1Fxxx) with characters in U+E000-U+FFFF: ordering by
 * UTF-16 code units and by code points disagree here (issue #10 item 13). Kept out of KEYS so
 * that only the cases meant to show it see it.
 */
export const MIXED_TEXT = ['\uE000 private', '\uFB01 ligature', '\uFF21 fullwidth', '😀 grin', '🦀 crab', 'plain', '\u00e9t\u00e9'];

const WORDS = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'Ünïcödé', '☃', '🎉', 'consectetur', 'ADIPISCING', 'elit'];
const COLUMNS = ['key', 'k2', 'i', 'f', 'g', 'b', 'd', 's', 'na', 'txt', 'big', 'lim', 'numstr'] as const;

export interface MessyFiles {
  dir: string;
  /** The frame's files, in order; one of them holds only the header. */
  files: string[];
  /** A second table to merge with: keys `key` and `k2`, value `w`. */
  right: string;
  /** One float column `x` with inf, -inf and Infinity among ordinary values. */
  inf: string;
  /** A file whose first part is empty (header only), then rows (issue #10 item 14). */
  emptyFirst: string[];
  rows: number;
  columns: readonly string[];
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function floatText(r: Rng): string {
  if (r.chance(0.1)) return '';
  if (r.chance(0.03)) return '-0.0';
  if (r.chance(0.03)) return '0.0';
  if (r.chance(0.02)) return (r.chance(0.5) ? -1 : 1) * r.next() * 1e-300 + '';
  const v = (r.next() - 0.5) * 10 ** r.int(-3, 6);
  return String(v);
}

function dateText(r: Rng): string {
  if (r.chance(0.08)) return '';
  const ms = Date.UTC(1999, 0, 1) + Math.floor(r.next() * 30 * 365 * 86400) * 1000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function longText(r: Rng): string {
  if (r.chance(0.1)) return '';
  const n = r.chance(0.2) ? r.int(60, 120) : r.int(1, 8);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.pick(WORDS));
  return out.join(' ');
}

function bigInt(r: Rng): string {
  // Exactly representable as float64 (|v| <= 2^53 - 1), but their sum is not.
  const top = 9007199254740991;
  return String(r.chance(0.5) ? top - r.int(0, 1000) : -(top - r.int(0, 1000)));
}

function limitInt(r: Rng): string {
  const lims = [2147483647, -2147483648, 2147483646, -2147483647, 0, 1, -1];
  return String(r.pick(lims));
}

function row(r: Rng): string {
  const numstr = r.chance(0.1)
    ? ''
    : r.chance(0.15)
      ? r.pick(['abc', '1e', '--1', 'twelve'])
      : r.chance(0.5)
        ? String(r.int(-50, 50))
        : (r.next() * 100).toFixed(3);
  const cells: string[] = [
    r.chance(0.07) ? '' : r.pick(KEYS),
    String(r.int(0, 4)),
    String(r.int(-1_000_000, 1_000_000)),
    floatText(r),
    (r.int(-5000, 5000) / 8).toString(),
    r.chance(0.5) ? 'True' : 'False',
    dateText(r),
    longText(r),
    '',
    r.chance(0.1) ? '' : r.pick(MIXED_TEXT),
    bigInt(r),
    limitInt(r),
    numstr,
  ];
  return cells.map(csvField).join(',');
}

/** Write the messy files into `dir` (sizes: a few hundred rows per file). */
export function writeMessy(dir: string, opts: { seed?: number; sizes?: readonly number[] } = {}): MessyFiles {
  mkdirSync(dir, { recursive: true });
  const r = new Rng(opts.seed ?? 20240610);
  const sizes = opts.sizes ?? [520, 0, 430, 310];
  const header = COLUMNS.join(',');
  const files = sizes.map((n, p) => {
    const lines = [header];
    for (let i = 0; i < n; i++) lines.push(row(r));
    const f = join(dir, `part-${p}.csv`);
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  });
  const right = join(dir, 'right.csv');
  const rl = ['key,k2,w'];
  for (const k of [...KEYS.slice(0, 9), 'only-right']) for (let k2 = 0; k2 < 6; k2 += r.int(1, 3)) rl.push([csvField(k), k2, r.int(-99, 99)].join(','));
  rl.push(',1,7'); // a missing key: pandas matches missing keys with each other
  writeFileSync(right, rl.join('\n') + '\n');
  const emptyFirst = [join(dir, 'ef-0.csv'), join(dir, 'ef-1.csv')];
  writeFileSync(emptyFirst[0], 'a,b,c\n');
  writeFileSync(emptyFirst[1], 'a,b,c\n1,x,2.5\n2,y,\n3,,4\n');
  const inf = join(dir, 'inf.csv');
  const il = ['x'];
  for (let i = 0; i < 200; i++) il.push(r.chance(0.08) ? r.pick(['inf', '-inf', 'Infinity', '']) : String(r.int(-400, 400) / 4));
  writeFileSync(inf, il.join('\n') + '\n');
  return { dir, files, right, inf, emptyFirst, rows: sizes.reduce((a, b) => a + b, 0), columns: COLUMNS };
}
