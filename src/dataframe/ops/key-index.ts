/**
 * Factorizing key columns, the machinery under groupby, join, distinct and value counts:
 * `KeyIndex` numbers the distinct keys of a frame 0..count-1 in order of first appearance
 * and can `probe` the keys of another frame against them (strings matched by value).
 * Missing keys either get no id (-1, groupby's dropna) or form one group of their own
 * (join, where pandas matches missing with missing).
 */
import { BOOL_NA, type Column } from '../frame.js';
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
 * Dense ids for the distinct key tuples of a frame, in order of first appearance.
 * Several columns combine pairwise (id_a * count_b + id_b, re-numbered), which keeps every
 * intermediate number below rows^2, far inside exact double range.
 */
export class KeyIndex {
  readonly ids: Int32Array;
  readonly count: number;
  private readonly cols: ColumnIndex[];
  private readonly pairs: NumberTable[];
  private readonly widths: number[];

  constructor(
    keyCols: readonly Column[],
    readonly n: number,
    readonly dropna = true,
  ) {
    if (keyCols.length === 0) throw new Error('KeyIndex: no key columns');
    this.cols = keyCols.map((c) => columnIndex(c, n, dropna));
    this.pairs = [];
    this.widths = [];
    let ids = this.cols[0].ids;
    let count = this.cols[0].count;
    for (let j = 1; j < this.cols.length; j++) {
      const next = this.cols[j];
      const width = next.count;
      // Sized for the most pairs there can be, so a many-group key never regrows its table.
      const table = new NumberTable(Math.min(n, count * width));
      const out = new Int32Array(n);
      const b = next.ids;
      for (let i = 0; i < n; i++) out[i] = ids[i] < 0 || b[i] < 0 ? -1 : table.intern(ids[i] * width + b[i]);
      this.pairs.push(table);
      this.widths.push(width);
      ids = out;
      count = table.size;
    }
    this.ids = ids;
    this.count = count;
  }

  /** Ids of another frame's key tuples in this index (-1 where absent). */
  probe(keyCols: readonly Column[], n: number): Int32Array {
    if (keyCols.length !== this.cols.length) throw new Error(`KeyIndex.probe: ${keyCols.length} key columns against ${this.cols.length}`);
    let ids = this.cols[0].probe(keyCols[0], n);
    for (let j = 1; j < this.cols.length; j++) {
      const b = this.cols[j].probe(keyCols[j], n);
      const width = this.widths[j - 1];
      const table = this.pairs[j - 1];
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = ids[i] < 0 || b[i] < 0 ? -1 : table.get(ids[i] * width + b[i]);
      ids = out;
    }
    return ids;
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

/**
 * Rows grouped by id, in row order within each id (a counting sort): rows of id g are
 * `rows[starts[g] .. starts[g + 1])`.
 */
export function groupRows(ids: Int32Array, count: number): { starts: Int32Array; rows: Int32Array } {
  const starts = new Int32Array(count + 1);
  for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) starts[ids[i] + 1]++;
  for (let g = 0; g < count; g++) starts[g + 1] += starts[g];
  const fill = starts.slice(0, count);
  const rows = new Int32Array(starts[count]);
  for (let i = 0; i < ids.length; i++) {
    const g = ids[i];
    if (g >= 0) rows[fill[g]++] = i;
  }
  return { starts, rows };
}
