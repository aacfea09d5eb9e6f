/** Byte-keyed set of NA spellings (short strings): exact match on bytes, no string per field. */
export class NaSet {
  /** First bytes of the spellings: most values are rejected by one table load. */
  readonly first = new Uint8Array(256);
  readonly hasEmpty: boolean;
  /** The spellings of each length n stored back to back: bytes[at[n], at[n] + count[n] * n). */
  private readonly bytes: Uint8Array;
  private readonly at: Int32Array;
  private readonly count: Int32Array;
  private readonly maxLen: number;
  constructor(values: readonly string[]) {
    this.hasEmpty = values.includes('');
    const spellings = [...new Set(values)].map((v) => Buffer.from(v, 'utf8')).filter((b) => b.length > 0);
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
}
