/**
 * Factorizing key columns, the machinery under groupby, join, distinct and value counts:
 * `KeyIndex` numbers the distinct keys of a frame 0..count-1 in order of first appearance
 * and can `probe` the keys of another frame against them (strings matched by value).
 * Missing keys either get no id (-1, groupby's dropna) or form one group of their own
 * (join, where pandas matches missing with missing).
 */
import { BOOL_NA, type Column } from '../frame.js';
import { fmix32 } from './hash.js';
import { NumberTable } from './number-table.js';

/** How a single column's values map to ids; `probe` maps another column of the same kind. */
interface ColumnIndex {
  /** Row -> id (-1: missing, when missing rows are dropped). */
  readonly ids: Int32Array;
  readonly count: number;
  probe(c: Column, n: number): Int32Array;
}

class StringColumnIndex implements ColumnIndex {
  readonly ids: Int32Array;
  count = 0;
  private readonly codeToId: Int32Array;
  private byValue?: Map<string, number>;
  private missingId = -1;

  constructor(
    private readonly col: Column,
    n: number,
    private readonly dropna: boolean,
  ) {
    const codes = col.data as Int32Array;
    const codeToId = new Int32Array(col.dict!.length).fill(-1);
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const code = codes[i];
      if (code < 0) {
        if (dropna) ids[i] = -1;
        else {
          if (this.missingId < 0) this.missingId = this.count++;
          ids[i] = this.missingId;
        }
        continue;
      }
      let id = codeToId[code];
      if (id < 0) {
        id = this.count++;
        codeToId[code] = id;
      }
      ids[i] = id;
    }
    this.ids = ids;
    this.codeToId = codeToId;
  }

  probe(c: Column, n: number): Int32Array {
    if (c.dtype !== 'string') throw new TypeError(`cannot match ${c.dtype} keys against string keys`);
    const out = new Int32Array(n);
    const codes = c.data as Int32Array;
    let table: Int32Array;
    if (c.dict === this.col.dict) table = this.codeToId;
    else {
      if (this.byValue === undefined) {
        this.byValue = new Map();
        const dict = this.col.dict!;
        for (let k = 0; k < dict.length; k++) if (this.codeToId[k] >= 0) this.byValue.set(dict[k], this.codeToId[k]);
      }
      const dict = c.dict!;
      table = new Int32Array(dict.length);
      for (let k = 0; k < dict.length; k++) table[k] = this.byValue.get(dict[k]) ?? -1;
    }
    const missing = this.dropna ? -1 : this.missingId;
    for (let i = 0; i < n; i++) {
      const code = codes[i];
      out[i] = code < 0 ? missing : table[code];
    }
    return out;
  }
}

/** Numbers (and bools, datetimes): a direct table for small integer ranges, else a hash table. */
class NumberColumnIndex implements ColumnIndex {
  readonly ids: Int32Array;
  count = 0;
  private table?: NumberTable;
  private direct?: Int32Array;
  private lo = 0;
  private missingId = -1;

  constructor(
    col: Column,
    n: number,
    private readonly dropna: boolean,
  ) {
    const d = col.data;
    const ids = new Int32Array(n);
    // Missing: NaN (floats, datetimes) or BOOL_NA (bools); ints have none. Tested inline, per
    // element, without a per-dtype switch in the loop.
    const boolNA = col.dtype === 'bool' ? BOOL_NA : NaN;
    // Integer keys in a narrow range index an array directly (no hashing at all).
    let lo = Infinity;
    let hi = -Infinity;
    let integers = true;
    for (let i = 0; i < n; i++) {
      const x = d[i];
      if (x !== x || x === boolNA) continue;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      if (integers && (x | 0) !== x && !Number.isInteger(x)) integers = false;
    }
    const range = hi - lo + 1;
    if (integers && n > 0 && Number.isFinite(range) && range <= Math.max(4 * n, 1024) && range <= 1 << 26) {
      const direct = new Int32Array(range).fill(-1);
      for (let i = 0; i < n; i++) {
        const x = d[i];
        if (x !== x || x === boolNA) {
          ids[i] = this.missingIdFor();
          continue;
        }
        const s = x - lo;
        let id = direct[s];
        if (id < 0) {
          id = this.count++;
          direct[s] = id;
        }
        ids[i] = id;
      }
      this.direct = direct;
      this.lo = lo;
    } else {
      const table = new NumberTable(Math.min(n, 1 << 16));
      this.table = table;
      for (let i = 0; i < n; i++) {
        const x = d[i];
        ids[i] = x !== x || x === boolNA ? this.missingIdFor() : table.intern(x);
      }
      this.count = table.size;
    }
    this.ids = ids;
  }

  private missingIdFor(): number {
    if (this.dropna) return -1;
    if (this.missingId < 0) this.missingId = this.table ? this.table.intern(NaN) : this.count++;
    return this.missingId;
  }

  probe(c: Column, n: number): Int32Array {
    if (c.dtype === 'string') throw new TypeError('cannot match string keys against numeric keys');
    const d = c.data;
    const out = new Int32Array(n);
    const missing = this.dropna ? -1 : this.missingId;
    const boolNA = c.dtype === 'bool' ? BOOL_NA : NaN;
    if (this.direct) {
      const direct = this.direct;
      const lo = this.lo;
      const size = direct.length;
      for (let i = 0; i < n; i++) {
        const x = d[i];
        if (x !== x || x === boolNA) {
          out[i] = missing;
          continue;
        }
        const s = x - lo;
        out[i] = s >= 0 && s < size && (s | 0) === s ? direct[s] : -1;
      }
    } else {
      const table = this.table!;
      for (let i = 0; i < n; i++) {
        const x = d[i];
        out[i] = x !== x || x === boolNA ? missing : table.get(x);
      }
    }
    return out;
  }
}

function columnIndex(c: Column, n: number, dropna: boolean): ColumnIndex {
  if (c.dtype === 'string') return new StringColumnIndex(c, n, dropna);
  // The missing group of a table index must come from the table so ids stay dense.
  return new NumberColumnIndex(c, n, dropna);
}

/**
 * A flat array indexed by the mixed-radix tuple is used while the product of the per-column
 * counts stays within a few slots per row (so a small frame never zero-fills a huge array).
 */
const directSize = (product: number, n: number): boolean => product <= Math.max(2 * n, 4096) && product <= 1 << 26;

/**
 * Per row hash of several columns' dense ids (murmur3-style mixing, one pass over the rows);
 * -1 in `out` where any column has no id (a dropped missing key).
 */
function rowHashes(colIds: readonly Int32Array[], n: number, out: Int32Array): void {
  const k = colIds.length;
  for (let i = 0; i < n; i++) {
    let h = 0x9e3779b9;
    let missing = false;
    for (let j = 0; j < k; j++) {
      const v = colIds[j][i];
      if (v < 0) missing = true;
      h = Math.imul(h ^ v, 0xcc9e2d51);
      h = (h << 15) | (h >>> 17);
    }
    // Non-negative, so -1 is free to mark a dropped row.
    out[i] = missing ? -1 : fmix32(h) & 0x7fffffff;
  }
}

/**
 * Dense ids for the distinct key tuples of a frame, in order of first appearance.
 * Each column first maps to dense ids of its own; several columns then combine in one pass:
 * a flat array indexed by the mixed-radix tuple when the product of the counts is small,
 * else one open-addressing table over the rows' tuple hashes (group keys stored packed, so a
 * collision compares k ids in one place).
 */
export class KeyIndex {
  readonly ids: Int32Array;
  readonly count: number;
  private readonly cols: ColumnIndex[];
  /** Mixed-radix mode: tuple -> id + 1 (0: absent). */
  private direct?: Int32Array;
  private radix?: Int32Array;
  /** Hash mode: slots of (id + 1, hash) pairs, and each group's k column ids. */
  private slots?: Int32Array;
  private groupKeys?: Int32Array;

  constructor(
    keyCols: readonly Column[],
    readonly n: number,
    readonly dropna = true,
  ) {
    if (keyCols.length === 0) throw new Error('KeyIndex: no key columns');
    this.cols = keyCols.map((c) => columnIndex(c, n, dropna));
    if (this.cols.length === 1) {
      this.ids = this.cols[0].ids;
      this.count = this.cols[0].count;
      return;
    }
    const colIds = this.cols.map((c) => c.ids);
    let product = 1;
    for (const c of this.cols) product *= Math.max(c.count, 1);
    const ids = new Int32Array(n);
    if (directSize(product, n)) {
      const radix = Int32Array.from(this.cols, (c) => Math.max(c.count, 1));
      const direct = new Int32Array(product);
      this.count = mixedRadixIds(colIds, radix, n, direct, ids, true);
      this.direct = direct;
      this.radix = radix;
    } else {
      const hashes = new Int32Array(n);
      rowHashes(colIds, n, hashes);
      const r = hashIds(colIds, hashes, n, Math.min(n, product), ids);
      this.count = r.count;
      this.slots = r.slots;
      this.groupKeys = r.groupKeys;
    }
    this.ids = ids;
  }

  /** Ids of another frame's key tuples in this index (-1 where absent). */
  probe(keyCols: readonly Column[], n: number): Int32Array {
    if (keyCols.length !== this.cols.length) throw new Error(`KeyIndex.probe: ${keyCols.length} key columns against ${this.cols.length}`);
    if (this.cols.length === 1) return this.cols[0].probe(keyCols[0], n);
    const colIds = this.cols.map((c, j) => c.probe(keyCols[j], n));
    const out = new Int32Array(n);
    if (this.direct !== undefined) {
      mixedRadixIds(colIds, this.radix!, n, this.direct, out, false);
      return out;
    }
    const hashes = new Int32Array(n);
    rowHashes(colIds, n, hashes);
    probeHashIds(colIds, hashes, n, this.slots!, this.groupKeys!, out);
    return out;
  }

  /** Row of the first occurrence of each id. */
  firstRows(): Int32Array {
    const first = new Int32Array(this.count).fill(-1);
    const ids = this.ids;
    for (let i = 0; i < this.n; i++) {
      const g = ids[i];
      if (g >= 0 && first[g] < 0) first[g] = i;
    }
    return first;
  }
}

/** Where each group's rows begin in group order (counting sort by id; -1 rows left out): count + 1 offsets. */
export function groupStarts(ids: Int32Array, count: number): Int32Array {
  const starts = new Int32Array(count + 1);
  for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) starts[ids[i] + 1]++;
  for (let g = 0; g < count; g++) starts[g + 1] += starts[g];
  return starts;
}

/**
 * Rows grouped by id, in row order within each id (a counting sort): rows of id g are
 * `rows[starts[g] .. starts[g + 1])`.
 */
export function groupRows(ids: Int32Array, count: number): { starts: Int32Array; rows: Int32Array } {
  const starts = groupStarts(ids, count);
  const fill = starts.slice(0, count);
  const rows = new Int32Array(starts[count]);
  for (let i = 0; i < ids.length; i++) {
    const g = ids[i];
    if (g >= 0) rows[fill[g]++] = i;
  }
  return { starts, rows };
}

/**
 * Ids through a flat array indexed by the mixed-radix tuple (no hashing). With `assign`, new
 * tuples get the next id (first appearance); without, absent tuples give -1. Returns the count.
 */
function mixedRadixIds(colIds: readonly Int32Array[], radix: Int32Array, n: number, direct: Int32Array, out: Int32Array, assign: boolean): number {
  const k = colIds.length;
  let count = 0;
  for (let i = 0; i < n; i++) {
    let t = 0;
    let missing = false;
    for (let j = 0; j < k; j++) {
      const v = colIds[j][i];
      if (v < 0) missing = true;
      t = t * radix[j] + v;
    }
    if (missing) {
      out[i] = -1;
      continue;
    }
    let id = direct[t] - 1;
    if (id < 0 && assign) {
      id = count++;
      direct[t] = id + 1;
    }
    out[i] = id;
  }
  return count;
}

/** Table capacity (a power of two) for up to `groups` keys at load factor <= 1/2. */
function capacityFor(groups: number): number {
  let cap = 16;
  while (cap < groups * 2) cap *= 2;
  return cap;
}

/**
 * Ids by one open-addressing pass over the rows. `bound` is the most groups there can be, so
 * the slot table never regrows; the packed group keys grow by doubling.
 */
function hashIds(
  colIds: readonly Int32Array[],
  hashes: Int32Array,
  n: number,
  bound: number,
  out: Int32Array,
): { count: number; slots: Int32Array; groupKeys: Int32Array } {
  const k = colIds.length;
  const cap = capacityFor(bound);
  const mask = cap - 1;
  const slots = new Int32Array(2 * cap);
  let keys = new Int32Array(k * Math.min(bound, 1 << 16));
  let count = 0;
  for (let i = 0; i < n; i++) {
    const h = hashes[i];
    if (h < 0) {
      out[i] = -1;
      continue;
    }
    const s = findSlot(colIds, i, h, mask, slots, keys);
    let id = slots[2 * s] - 1;
    if (id < 0) {
      id = count++;
      slots[2 * s] = id + 1;
      slots[2 * s + 1] = h;
      const base = id * k;
      if (base + k > keys.length) {
        const grown = new Int32Array(Math.min(2 * keys.length, k * bound));
        grown.set(keys);
        keys = grown;
      }
      for (let j = 0; j < k; j++) keys[base + j] = colIds[j][i];
    }
    out[i] = id;
  }
  return { count, slots, groupKeys: keys };
}

/**
 * The slot of row i's key tuple (hash h) in an open-addressing table: the slot holding the
 * tuple, else the empty slot where it would go (`slots[2 * s] === 0`).
 */
function findSlot(colIds: readonly Int32Array[], i: number, h: number, mask: number, slots: Int32Array, keys: Int32Array): number {
  const k = colIds.length;
  let s = h & mask;
  for (;;) {
    const v = slots[2 * s];
    if (v === 0) return s;
    if (slots[2 * s + 1] === h) {
      const base = (v - 1) * k;
      let j = 0;
      while (j < k && keys[base + j] === colIds[j][i]) j++;
      if (j === k) return s;
    }
    s = (s + 1) & mask;
  }
}

/** Ids of probe rows in a table built by `hashIds` (-1 where absent). */
function probeHashIds(colIds: readonly Int32Array[], hashes: Int32Array, n: number, slots: Int32Array, keys: Int32Array, out: Int32Array): void {
  const mask = slots.length / 2 - 1;
  for (let i = 0; i < n; i++) {
    const h = hashes[i];
    // An empty slot holds 0, so absent tuples come out as -1.
    out[i] = h < 0 ? -1 : slots[2 * findSlot(colIds, i, h, mask, slots, keys)] - 1;
  }
}
