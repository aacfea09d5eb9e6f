/**
 * Builds one string column while parsing: values are copied once into a byte arena (entry k is
 * arena[offsets[k], offsets[k + 1])), codes point at entries. Three modes:
 *
 * - SORTED: while values arrive in non-decreasing byte order (ids, timestamps of sorted files),
 *   deduplication only compares with the previous entry: no hashing, no random memory access.
 * - HASH: the first value out of order indexes the entries so far in an open-addressing table;
 *   the parser hashes each field while scanning it and calls `lookup`.
 * - RAW: once most values turn out distinct (timestamps, ids, free text), deduplicating while
 *   parsing buys nothing but cache misses in a table as big as the column. The parser then
 *   appends every value as its own entry and the column deduplicates on first use (see
 *   dedupe.ts): a read that never looks at the codes never pays for them.
 */
import { type Column, deferredStringColumn, lazyStringColumn, StringBytes } from '../../frame.js';
import { grown, i32, trim, u8 } from './alloc.js';
import { dedupeEntries } from './dedupe.js';
import { finalHash as mix, FNV_PRIME as FNV_P, FNV_SEED as FNV_S } from '../../column/fnv.js';

// Module-level copies (see fnv.ts).
const FNV_SEED = FNV_S;
const FNV_PRIME = FNV_P;
const finalHash = mix;

export const SORTED = 0;
export const HASH = 1;
export const RAW = 2;

/** Checkpoints for the switch to RAW (see `counted`). */
const FIRST_CHECK = 1024;
const LAST_CHECK = 1 << 17;

const EMPTY = new Int32Array(0);

export class TextColumn {
  mode = SORTED;
  /** Entry bytes; grown by `reserve`. */
  arena: Uint8Array = u8(4096);
  /** The arena as a DataView, for copying four bytes at a time. */
  view = new DataView(this.arena.buffer);
  used = 0;
  /** offsets[k] = start of entry k; offsets[count] = used. */
  offsets: Int32Array = i32(256);
  count = 0;
  /** OR of every byte stored: < 0x80 means pure ASCII. */
  bits = 0;
  /** Non-missing values coded so far (SORTED/HASH), for the switch to RAW. */
  private seen = 0;
  private nextCheck = FIRST_CHECK;
  private seenAtCheck = 0;
  private countAtCheck = 0;
  /** HASH mode: (code + 1, hash) pairs, so one probe touches one cache line. */
  private table: Int32Array = EMPTY;
  private mask = 0;
  /** Set once the column has entries that may repeat (RAW mode was used). */
  private mayRepeat = false;

  constructor(
    private readonly latin1: boolean,
    /** Estimated rows in the block, to size the arena and offsets in one step. */
    private readonly rowsHint: number,
  ) {}

  /**
   * Room for `need` more bytes after the first `keep` (default: the entries so far) and one more
   * entry; `row` (rows parsed so far) guides the estimate.
   */
  reserve(need: number, row: number, keep = this.used): void {
    if (keep + need > this.arena.length) this.growArena(keep, Math.max(keep + need, this.arena.length * 2, this.extrapolate(keep, row, 4096)));
    if (this.count + 2 > this.offsets.length) this.growOffsets(Math.max(this.offsets.length * 2, this.extrapolate(this.count + 2, row, 64)));
  }

  /** `sofar` scaled from `row` rows to the whole block (0 until enough rows were seen). */
  private extrapolate(sofar: number, row: number, slack: number): number {
    return row >= 256 ? Math.ceil((sofar / row) * this.rowsHint * 1.06) + slack : 0;
  }

  private growArena(keep: number, size: number): void {
    const b = grown(this.arena, size, keep);
    this.arena = b;
    this.view = new DataView(b.buffer);
  }

  private growOffsets(size: number): void {
    this.offsets = grown(this.offsets, size, this.count + 1);
  }

  /** Append bytes [s, e) of buf as a new entry (room already reserved); returns its code. */
  private push(buf: Uint8Array, s: number, e: number): number {
    const arena = this.arena;
    let at = this.used;
    let bits = this.bits;
    for (let i = s; i < e; i++) {
      const c = buf[i];
      bits |= c;
      arena[at++] = c;
    }
    this.bits = bits;
    this.used = at;
    const k = this.count++;
    this.offsets[k + 1] = at;
    return k;
  }

  /**
   * RAW mode: the caller copied the value's bytes to arena[used, end) while scanning; make it
   * an entry. Returns its code.
   */
  commit(end: number, row: number): number {
    this.used = end;
    if (this.count + 2 > this.offsets.length) this.reserve(0, row);
    const k = this.count++;
    this.offsets[k + 1] = end;
    return k;
  }

  /** SORTED/HASH mode: the code of bytes [s, e) (hash computed here in SORTED mode's fallback). */
  code(buf: Uint8Array, s: number, e: number, row: number): number {
    if (this.mode === SORTED) {
      this.reserve(e - s, row);
      const last = this.count - 1;
      if (last < 0) return this.counted(this.push(buf, s, e), row);
      const offsets = this.offsets;
      const a = offsets[last];
      const m = offsets[last + 1] - a;
      const len = e - s;
      const arena = this.arena;
      const lim = len < m ? len : m;
      let j = 0;
      while (j < lim && arena[a + j] === buf[s + j]) j++;
      const cmp = j < lim ? buf[s + j] - arena[a + j] : len - m;
      if (cmp === 0) return this.counted(last, row);
      if (cmp > 0) return this.counted(this.push(buf, s, e), row);
      this.buildTable();
      // The table exists now: fall through to hashing (mode is HASH).
    }
    let h = FNV_SEED;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
    return this.lookup(buf, s, e, finalHash(h), row);
  }

  /** HASH mode: code of bytes [s, e) whose hash the caller computed while scanning. */
  lookup(buf: Uint8Array, s: number, e: number, h: number, row: number): number {
    const len = e - s;
    const table = this.table;
    const arena = this.arena;
    const offsets = this.offsets;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const entry = table[2 * slot];
      if (entry === 0) break;
      if (table[2 * slot + 1] === h) {
        const k = entry - 1;
        const a = offsets[k];
        if (offsets[k + 1] - a === len) {
          let j = 0;
          while (j < len && arena[a + j] === buf[s + j]) j++;
          if (j === len) return this.counted(k, row);
        }
      }
      slot = (slot + 1) & mask;
    }
    this.reserve(len, row);
    const k = this.push(buf, s, e);
    table[2 * slot] = k + 1;
    table[2 * slot + 1] = h;
    if (this.count * 2 > mask + 1) this.rehash(4 * (mask + 1));
    return this.counted(k, row);
  }

  /**
   * Count a coded value. At checkpoints (1024, 2048, ... values), switch to RAW when most values
   * since the previous checkpoint were new: timestamps and ids stay near 100%, while skewed
   * categories (tags, names) quickly fall below.
   */
  private counted(k: number, row: number): number {
    if (++this.seen === this.nextCheck) {
      const fresh = (this.count - this.countAtCheck) / (this.seen - this.seenAtCheck);
      if (fresh > 0.75) this.toRaw(row);
      else {
        this.countAtCheck = this.count;
        this.seenAtCheck = this.seen;
        this.nextCheck = this.seen < LAST_CHECK ? this.seen * 2 : -1;
      }
    }
    return k;
  }

  private toRaw(row: number): void {
    this.mode = RAW;
    this.mayRepeat = true;
    this.table = EMPTY;
    // Size for the whole block now (every value gets an entry), so the hot loop rarely grows.
    const bytes = this.extrapolate(this.used, row, 4096);
    if (bytes > this.arena.length) this.growArena(this.used, bytes);
    const entries = Math.ceil((this.seen / Math.max(1, row)) * this.rowsHint * 1.06) + 64;
    if (entries > this.offsets.length) this.growOffsets(entries);
  }

  private hashEntry(k: number): number {
    let h = FNV_SEED;
    const end = this.offsets[k + 1];
    const arena = this.arena;
    for (let i = this.offsets[k]; i < end; i++) h = Math.imul(h ^ arena[i], FNV_PRIME);
    return finalHash(h);
  }

  /** Switch from SORTED to HASH: index every entry so far. */
  private buildTable(): void {
    this.mode = HASH;
    let size = 1024;
    while (size < this.count * 4) size *= 2;
    this.table = new Int32Array(2 * size);
    this.mask = size - 1;
    for (let k = 0; k < this.count; k++) this.place(k + 1, this.hashEntry(k));
  }

  private place(entry: number, h: number): void {
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
    table[2 * slot] = entry;
    table[2 * slot + 1] = h;
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(2 * size);
    this.mask = size - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.place(old[i], old[i + 1]);
  }

  /** The finished column over `codes` (n rows). Dictionaries stay bytes until read. */
  finish(codes: Int32Array): Column {
    const bytes = trim(this.arena, this.used);
    const offsets = trim(this.offsets, this.count + 1);
    // Pure ASCII decodes identically as latin1, which skips UTF-8 validation.
    const oneByte = this.latin1 || this.bits < 0x80;
    if (!this.mayRepeat) return lazyStringColumn(codes, new StringBytes(bytes, offsets, oneByte));
    // Deduplicating renumbers codes in place and leaves -1 (missing) as it is: isna can read them now.
    return deferredStringColumn(codes.length, () => dedupeEntries(codes, bytes, offsets, oneByte), codes);
  }
}
