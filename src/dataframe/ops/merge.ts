/**
 * Hash join of two partitions, with pandas' merge semantics:
 *  - inner / left / right / outer on one or more key columns (`leftOn[j]` matches `rightOn[j]`);
 *  - string keys match by value (each side has its own dictionary), int64/int32/float64 keys
 *    match by number, missing keys match missing keys (as pandas does);
 *  - a key with the same name on both sides appears once (for outer joins it takes the left
 *    value, else the right one); other names present on both sides get `suffixes`;
 *  - rows come in left order, each left row followed by its matches in right order; a right
 *    join keeps right order; an outer join appends unmatched right rows at the end.
 *
 * The right side is the build side: its keys go into a KeyIndex, rows bucketed per key
 * (counting sort), and the left side probes it.
 */
import { kernel } from '../../core/kernels.js';
import { castColumn, type Column, concatColumns, Frame, takeColumn } from '../frame.js';
import { groupRows, KeyIndex } from './key-index.js';

export type How = 'inner' | 'left' | 'right' | 'outer';

export interface JoinSpec {
  readonly how: How;
  readonly leftOn: readonly string[];
  readonly rightOn: readonly string[];
  readonly suffixes: readonly [string, string];
}

/** Matching row pairs; -1 marks the missing side of an unmatched row. */
export function joinPairs(left: Frame, right: Frame, spec: JoinSpec): { li: Int32Array; ri: Int32Array } {
  if (spec.how === 'right') {
    const swapped = joinPairs(right, left, { ...spec, how: 'left', leftOn: spec.rightOn, rightOn: spec.leftOn });
    return { li: swapped.ri, ri: swapped.li };
  }
  const lk = spec.leftOn.map((c) => left.col(c));
  const rk = spec.rightOn.map((c) => right.col(c));
  checkKeyTypes(lk, rk, spec);
  const index = new KeyIndex(rk, right.length, false);
  const { starts, rows } = groupRows(index.ids, index.count);
  const probe = index.probe(lk, left.length);
  const keepLeft = spec.how === 'left' || spec.how === 'outer';
  let total = 0;
  for (let i = 0; i < left.length; i++) {
    const g = probe[i];
    const m = g >= 0 ? starts[g + 1] - starts[g] : 0;
    total += m > 0 ? m : keepLeft ? 1 : 0;
  }
  let matched: Uint8Array | undefined;
  if (spec.how === 'outer') {
    matched = new Uint8Array(index.count);
    for (let i = 0; i < left.length; i++) if (probe[i] >= 0) matched[probe[i]] = 1;
    for (let g = 0; g < index.count; g++) if (matched[g] === 0) total += starts[g + 1] - starts[g];
  }
  const li = new Int32Array(total);
  const ri = new Int32Array(total);
  let at = 0;
  for (let i = 0; i < left.length; i++) {
    const g = probe[i];
    if (g >= 0) {
      for (let k = starts[g]; k < starts[g + 1]; k++) {
        li[at] = i;
        ri[at++] = rows[k];
      }
    } else if (keepLeft) {
      li[at] = i;
      ri[at++] = -1;
    }
  }
  if (matched !== undefined) {
    // Unmatched right rows, in right order.
    const ids = index.ids;
    for (let r = 0; r < right.length; r++) {
      if (matched[ids[r]] === 0) {
        li[at] = -1;
        ri[at++] = r;
      }
    }
  }
  return { li, ri };
}

function checkKeyTypes(lk: readonly Column[], rk: readonly Column[], spec: JoinSpec): void {
  lk.forEach((c, j) => {
    const a = c.dtype === 'string';
    const b = rk[j].dtype === 'string';
    if (a !== b) {
      throw new TypeError(
        `merge: cannot match ${c.dtype} key '${spec.leftOn[j]}' with ${rk[j].dtype} key '${spec.rightOn[j]}'; ` +
          `convert one side first (astype('string') or dd.toNumeric)`,
      );
    }
  });
}

/** Output names: shared keys once, overlapping other names suffixed. */
export function joinColumns(
  leftNames: readonly string[],
  rightNames: readonly string[],
  spec: JoinSpec,
): {
  names: string[];
  sources: Array<{ side: 'left' | 'right' | 'key'; name: string; rightName?: string }>;
} {
  const shared = new Set<string>();
  spec.leftOn.forEach((l, j) => {
    if (spec.rightOn[j] === l) shared.add(l);
  });
  const rightSet = new Set(rightNames);
  const leftSet = new Set(leftNames);
  const names: string[] = [];
  const sources: Array<{ side: 'left' | 'right' | 'key'; name: string; rightName?: string }> = [];
  for (const n of leftNames) {
    if (shared.has(n)) {
      names.push(n);
      sources.push({ side: 'key', name: n, rightName: n });
    } else {
      names.push(rightSet.has(n) ? n + spec.suffixes[0] : n);
      sources.push({ side: 'left', name: n });
    }
  }
  for (const n of rightNames) {
    if (shared.has(n)) continue;
    names.push(leftSet.has(n) ? n + spec.suffixes[1] : n);
    sources.push({ side: 'right', name: n });
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`merge: the result would have two columns named '${n}'; pick suffixes that make names unique`);
    seen.add(n);
  }
  return { names, sources };
}

/** Left value where the left row exists, else the right one (an outer join's shared key). */
function coalesce(lc: Column, li: Int32Array, rc: Column, ri: Int32Array, nLeft: number): Column {
  const both = concatColumns([lc, rc]);
  const idx = new Int32Array(li.length);
  for (let k = 0; k < li.length; k++) idx[k] = li[k] >= 0 ? li[k] : ri[k] >= 0 ? nLeft + ri[k] : -1;
  return takeColumn(both, idx);
}

function widen(c: Column, mayMiss: boolean): Column {
  return mayMiss && (c.dtype === 'int64' || c.dtype === 'int32') ? castColumn(c, 'float64') : c;
}

export function hashJoin(left: Frame, right: Frame, spec: JoinSpec): Frame {
  const { li, ri } = joinPairs(left, right, spec);
  const { names, sources } = joinColumns(left.names, right.names, spec);
  // A side whose rows may go unmatched holds missing values: its int columns are always
  // float64, whether or not this partition happens to miss any (one schema for all partitions).
  const leftMayMiss = spec.how === 'right' || spec.how === 'outer';
  const rightMayMiss = spec.how === 'left' || spec.how === 'outer';
  const cols = sources.map((s): Column => {
    if (s.side === 'left') return widen(takeColumn(left.col(s.name), li), leftMayMiss);
    if (s.side === 'right') return widen(takeColumn(right.col(s.name), ri), rightMayMiss);
    const lc = left.col(s.name);
    const rc = right.col(s.rightName!);
    if (spec.how === 'inner' || spec.how === 'left') return takeColumn(lc, li);
    if (spec.how === 'right') return takeColumn(rc, ri);
    // Every output row has a left or a right key, so the coalesced key is never missing: an
    // int key stays int (as in pandas).
    return coalesce(lc, li, rc, ri, left.length);
  });
  return new Frame(names, cols, li.length);
}

export const merge = kernel('dataframe.merge', hashJoin);

/** Join one partition with the whole other side (a broadcast join). */
export const mergeBroadcast = kernel('dataframe.merge-broadcast', (part: Frame, other: Frame, spec: JoinSpec, partIsLeft: boolean): Frame => {
  return partIsLeft ? hashJoin(part, other, spec) : hashJoin(other, part, spec);
});
