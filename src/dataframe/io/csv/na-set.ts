/**
 * The spellings of missing values a read recognizes, as pandas does: exact text for every
 * column, and for numeric columns also by value (naValues: ['-999'] makes -999, -999.0 and
 * -9.99e2 missing in a float column, while a text column matches the spellings only).
 */

/** A number as Python's float() reads it (pandas floatifies naValues that way), or undefined. */
export function pythonFloat(text: string): number | undefined {
  const t = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  const digits = String.raw`\d(?:_?\d)*`;
  if (!new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`).test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

/**
 * The user's naValues with the spellings pandas adds: an integral number also as `N` and `N.0`
 * (so '-999' also matches the text '-999.0' and '-999.0' the text '-999').
 */
export function naSpellings(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const x of values) {
    out.add(x);
    const v = pythonFloat(x);
    if (v !== undefined && Number.isInteger(v)) {
      const int = BigInt(v).toString();
      out.add(int);
      out.add(`${int}.0`);
    }
  }
  return [...out];
}

/** Byte-keyed set of NA spellings (short strings): exact match on bytes, no string per field. */
export class NaSet {
  /** First bytes of the spellings: most values are rejected by one table load. */
  readonly first = new Uint8Array(256);
  readonly hasEmpty: boolean;
  /** Spellings that are numbers, by value (matched in numeric columns after parsing). */
  readonly nums: Float64Array;
  readonly hasNums: boolean;
  /** Some spelling reads as a bool (true/false in any case): bool columns check NA first. */
  readonly hasBool: boolean;
  /** The spellings of each length n stored back to back: bytes[at[n], at[n] + count[n] * n). */
  private readonly bytes: Uint8Array;
  private readonly at: Int32Array;
  private readonly count: Int32Array;
  private readonly maxLen: number;
  private readonly numSet: ReadonlySet<number>;
  constructor(values: readonly string[]) {
    this.hasEmpty = values.includes('');
    const unique = [...new Set(values)];
    const nums = new Set<number>();
    for (const v of unique) {
      const x = pythonFloat(v);
      if (x !== undefined && x === x) nums.add(x === 0 ? 0 : x); // -0 matches 0, as in Python
    }
    this.numSet = nums;
    this.nums = Float64Array.from(nums);
    this.hasNums = nums.size > 0;
    this.hasBool = unique.some((v) => /^(true|false)$/i.test(v));
    const spellings = unique.map((v) => Buffer.from(v, 'utf8')).filter((b) => b.length > 0);
    spellings.sort((x, y) => x.length - y.length);
    this.maxLen = spellings.reduce((m, b) => Math.max(m, b.length), 0);
    this.at = new Int32Array(this.maxLen + 1);
    this.count = new Int32Array(this.maxLen + 1);
    this.bytes = new Uint8Array(spellings.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of spellings) {
      if (this.count[b.length]++ === 0) this.at[b.length] = at;
      this.bytes.set(b, at);
      at += b.length;
      this.first[b[0]] = 1;
    }
  }
  has(buf: Uint8Array, s: number, e: number): boolean {
    const n = e - s;
    if (n === 0) return this.hasEmpty;
    if (this.first[buf[s]] === 0 || n > this.maxLen) return false;
    const bytes = this.bytes;
    let at = this.at[n];
    const end = at + this.count[n] * n;
    for (; at < end; at += n) {
      let j = 0;
      while (j < n && bytes[at + j] === buf[s + j]) j++;
      if (j === n) return true;
    }
    return false;
  }
  /** A parsed number equal to a numeric spelling (callers test `hasNums` first). */
  isNumber(v: number): boolean {
    return this.numSet.has(v === 0 ? 0 : v);
  }
}
