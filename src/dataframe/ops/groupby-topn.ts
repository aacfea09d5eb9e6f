/**
 * Per-group largest (or smallest) n values of one column, as a tree reduction: the top n of a
 * union is the top n of the parts' top n, so each partition shrinks to at most n rows per
 * group before anything moves. Result: the keys, then the column; groups sorted by key,
 * values best first within a group (pandas' `g[col].nlargest(n)` order, ties keep row order).
 */
import { kernel } from '../../core/kernels.js';
import { compactStrings, Frame, takeColumn } from '../frame.js';
import { concatFrames } from './concat.js';
import { missingOf } from './groupby-states.js';
import { KeyIndex } from './key-index.js';
import { sortOrder } from './sort.js';

export interface TopNSpec {
  readonly by: readonly string[];
  readonly column: string;
  readonly n: number;
  readonly largest: boolean;
  readonly dropna: boolean;
}

interface Kept {
  index: KeyIndex;
  /** Row of slot j of group k at rows[k * n + j], best first; counts[k] slots are used. */
  rows: Int32Array;
  counts: Int32Array;
}

/** The best n rows of each group: a bounded insertion per row into typed-array slots (no per-row allocation). */
function keep(part: Frame, spec: TopNSpec): Kept {
  const index = new KeyIndex(
    spec.by.map((b) => part.col(b)),
    part.length,
    spec.dropna,
  );
  const g = index.count;
  const n = spec.n;
  const ids = index.ids;
  const c = part.col(spec.column);
  const x = c.data;
  const sign = spec.largest ? 1 : -1;
  const rows = new Int32Array(g * n);
  const vals = new Float64Array(g * n);
  const counts = new Int32Array(g);
  for (let i = 0; i < part.length; i++) {
    const id = ids[i];
    if (id < 0 || missingOf(c, i)) continue;
    const v = sign * x[i];
    const base = id * n;
    let m = counts[id];
    // Full and not better than the worst kept: skip (equal values keep the earlier row).
    if (m === n && !(v > vals[base + n - 1])) continue;
    if (m < n) counts[id] = m + 1;
    else m = n - 1;
    let j = m;
    while (j > 0 && v > vals[base + j - 1]) {
      vals[base + j] = vals[base + j - 1];
      rows[base + j] = rows[base + j - 1];
      j--;
    }
    vals[base + j] = v;
    rows[base + j] = i;
  }
  return { index, rows, counts };
}

/** The kept rows as a frame, groups in `order` (all groups in id order when omitted). */
function emit(part: Frame, spec: TopNSpec, kept: Kept, order?: Int32Array): Frame {
  const { rows, counts } = kept;
  const g = counts.length;
  let total = 0;
  for (let k = 0; k < g; k++) total += counts[k];
  const src = new Int32Array(total);
  let at = 0;
  for (let r = 0; r < g; r++) {
    const k = order === undefined ? r : order[r];
    for (let j = 0; j < counts[k]; j++) src[at++] = rows[k * spec.n + j];
  }
  const names = [...spec.by, spec.column];
  return new Frame(
    names,
    names.map((name) => compactStrings(takeColumn(part.col(name), src))),
    total,
  );
}

/** One partition (or a concatenation of partials) to at most n rows per group. */
export function topNChunk(part: Frame, spec: TopNSpec): Frame {
  return emit(part, spec, keep(part, spec));
}

export const groupbyTopNChunk = kernel('dataframe.groupby.topn-chunk', topNChunk);

export const groupbyTopNCombine = kernel('dataframe.groupby.topn-combine', (partials: readonly Frame[], spec: TopNSpec): Frame =>
  topNChunk(concatFrames(partials), spec),
);

/** The last level: top n of the partials, groups sorted by key. */
export function topNFinalize(partials: readonly Frame[], spec: TopNSpec): Frame {
  const all = concatFrames(partials);
  const kept = keep(all, spec);
  const firsts = kept.index.firstRows();
  const keys = new Frame(
    [...spec.by],
    spec.by.map((b) => takeColumn(all.col(b), firsts)),
    firsts.length,
  );
  return emit(all, spec, kept, keys.length > 1 ? sortOrder(keys, spec.by) : undefined);
}

export const groupbyTopNFinalize = kernel('dataframe.groupby.topn-finalize', topNFinalize);
