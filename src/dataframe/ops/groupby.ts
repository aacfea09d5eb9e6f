/**
 * Hash groupby-aggregate in three steps, so it runs as a tree reduction or after a shuffle:
 *
 *  chunk    partition -> partial: one row per group holding mergeable states
 *           (count, sum, m2, min, max, first, last, size) plus, per nunique column, the
 *           distinct (group, value) pairs;
 *  combine  partials -> partial: concatenated, regrouped, states merged (variance by Chan's
 *           pairwise update of (count, sum, m2), never by sum of squares);
 *  finalize partials -> frame: group keys as leading columns, then one column per output,
 *           sorted by the keys (pandas' sort=True).
 *
 * A partial is `Frame[]`: [states, ...distinct pairs per nunique column, ...(keys, value) rows
 * per median column]. A median needs every value of its group, so its rows travel whole.
 */
import { kernel } from '../../core/kernels.js';
import { type Column, compactStrings, Frame, takeColumn } from '../frame.js';
import { concatFrames } from './concat.js';
import {
  type AggOutput,
  type GroupSpec,
  medianColumns,
  nuniqueColumns,
  pairColumn,
  type Partial,
  type StateKind,
  stateName,
  statesOf,
} from './groupby-spec.js';
import { computeStates, mergeStates, missingOf } from './groupby-states.js';
import { nearlyDistinct, rowsWithKeys } from './groupby-cardinality.js';
import { gatherSorted, manyTuples, sortedChunkGroups, sortedGroups } from './groupby-sorted.js';
import { sortOrder } from './sort.js';
import { groupStarts, KeyIndex } from './key-index.js';
import { sliceMedian } from './nth-element.js';
import { splitByKeys } from './shuffle.js';
import { takeRows } from './take.js';

export { AGG_NAMES, type AggName, type AggOutput, type GroupSpec, type Partial, validateSpec } from './groupby-spec.js';

// ---- chunk: one partition to one partial ----

function keyColumns(part: Frame, by: readonly string[], rows: Int32Array): Column[] {
  return by.map((b) => compactStrings(takeColumn(part.col(b), rows)));
}

/** Rows of a kept group (id >= 0) whose value in `c` is present. */
function presentRows(c: Column, ids: Int32Array, n: number): Int32Array {
  const keep = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (ids[i] >= 0 && !missingOf(c, i)) keep[m++] = i;
  return keep.subarray(0, m);
}

/** Distinct (keys..., value) rows of one column, missing values skipped. */
function distinctPairs(part: Frame, by: readonly string[], column: string, ids: Int32Array): Frame {
  const c = part.col(column);
  const rows = presentRows(c, ids, part.length);
  const m = rows.length;
  const pairIds = new Int32Array(m);
  for (let r = 0; r < m; r++) pairIds[r] = ids[rows[r]];
  if (m === 0) return new Frame([...by, column], [...by.map((b) => takeColumn(part.col(b), rows)), takeColumn(c, rows)], 0);
  // Distinct (group id, value) among the kept rows.
  const sub = new KeyIndex([{ dtype: 'int32', data: pairIds }, takeColumn(c, rows)], m, false);
  const first = sub.firstRows();
  const src = new Int32Array(first.length);
  for (let k = 0; k < first.length; k++) src[k] = rows[first[k]];
  return new Frame([...by, column], [...keyColumns(part, by, src), compactStrings(takeColumn(c, src))], src.length);
}

/** (keys..., value) rows of one column for a median: every present value of a kept group. */
function valueRows(part: Frame, by: readonly string[], column: string, ids: Int32Array): Frame {
  const c = part.col(column);
  const rows = presentRows(c, ids, part.length);
  // Every row kept: the columns as they are, no gather.
  if (rows.length === part.length) return new Frame([...by, column], [...by.map((b) => compactStrings(part.col(b))), c], rows.length);
  return new Frame([...by, column], [...keyColumns(part, by, rows), takeColumn(c, rows)], rows.length);
}

/** Median per group of `rows` (keys..., value) grouped by `index`: a counting sort by group, then a selection in each group's slice. */
function groupMedians(rows: Frame, by: readonly string[], column: string, index: KeyIndex, g: number): Float64Array {
  const ids = index.probe(
    by.map((b) => rows.col(b)),
    rows.length,
  );
  // Values counting-sorted by group, scattered straight from the rows.
  const starts = groupStarts(ids, g);
  const fill = starts.slice(0, g);
  const x = rows.col(column).data;
  const byGroup = new Float64Array(starts[g]);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= 0) byGroup[fill[id]++] = x[i];
  }
  const out = new Float64Array(g).fill(NaN);
  // A selection per group, not a sort: the median is all that is read.
  for (let k = 0; k < g; k++) out[k] = sliceMedian(byGroup, starts[k], starts[k + 1]);
  return out;
}

/** Row -> group ids of a partition and its groups' key columns. */
function chunkGroups(part: Frame, spec: GroupSpec): { ids: Int32Array; count: number; keys: Column[] } {
  const cols = spec.by.map((b) => part.col(b));
  const n = part.length;
  // Nearly one row per group: pre-aggregating would not shrink the partition, so each row is
  // its own group here and the combine does the one grouping.
  if (nearlyDistinct(cols, n)) {
    const kept = spec.dropna ? rowsWithKeys(cols, n) : undefined;
    if (kept === undefined) {
      const ids = new Int32Array(n);
      for (let i = 0; i < n; i++) ids[i] = i;
      return { ids, count: n, keys: cols.map((c) => compactStrings(c)) };
    }
    const ids = new Int32Array(n).fill(-1);
    for (let r = 0; r < kept.length; r++) ids[kept[r]] = r;
    return { ids, count: kept.length, keys: keyColumns(part, spec.by, kept) };
  }
  // A sorted result with many possible key tuples: group by sorting (no hash table over the rows).
  const sorted = spec.sort ? sortedChunkGroups(cols, part.length, spec.dropna) : undefined;
  if (sorted !== undefined) return sorted;
  const keyIdx = new KeyIndex(cols, part.length, spec.dropna);
  const count = keyIdx.count;
  // Every row its own group (ids are then 0..n-1 in row order): the key columns as they are, no gather.
  const keys = count === part.length ? spec.by.map((b) => compactStrings(part.col(b))) : keyColumns(part, spec.by, keyIdx.firstRows());
  return { ids: keyIdx.ids, count, keys };
}

export function groupChunk(part: Frame, spec: GroupSpec): Partial {
  const { ids, count: g, keys } = chunkGroups(part, spec);
  const states = statesOf(spec);
  const stateCols = computeStates(part, states, ids, g);
  const head = new Frame([...spec.by, ...states.map((s) => stateName(s.kind, s.column))], [...keys, ...stateCols], g);
  return [head, ...nuniqueColumns(spec).map((c) => distinctPairs(part, spec.by, c, ids)), ...medianColumns(spec).map((c) => valueRows(part, spec.by, c, ids))];
}

export const groupbyChunk = kernel('dataframe.groupby.chunk', groupChunk);

// ---- combine: partials to one partial ----

function totalRows(partials: readonly Partial[]): number {
  let n = 0;
  for (const p of partials) n += p[0].length;
  return n;
}

/** Distinct (keys..., value) pairs and median rows of several partials, concatenated. */
function mergeExtras(partials: readonly Partial[], spec: GroupSpec): Frame[] {
  const pairs = nuniqueColumns(spec).map((column, j) => {
    const all = concatFrames(partials.map((p) => p[j + 1]));
    if (all.length === 0) return all;
    const d = new KeyIndex(all.columns, all.length, false);
    return takeRows(all, d.firstRows());
  });
  const u = pairs.length + 1;
  const medians = medianColumns(spec).map((_, j) => concatFrames(partials.map((p) => p[u + j])));
  return [...pairs, ...medians];
}

/** The merged partial, and the index of its groups (built only when a median or nunique reads it). */
function combineParts(partials: readonly Partial[], spec: GroupSpec): { partial: Partial; index: () => KeyIndex } {
  if (partials.length === 1) {
    // One partial already has one row per group and distinct pairs (as groupbyCombine assumes).
    const partial = partials[0];
    return { partial, index: lazyIndex(partial[0], spec) };
  }
  const heads = concatFrames(partials.map((p) => p[0]));
  // Chunks already dropped missing keys when asked; what remains is a group of its own.
  const idx = new KeyIndex(
    spec.by.map((b) => heads.col(b)),
    heads.length,
    false,
  );
  const g = idx.count;
  const keys = keyColumns(heads, spec.by, idx.firstRows());
  const states = mergeStates(heads, spec, idx.ids, g);
  const head = new Frame(heads.names, [...keys, ...states], g);
  return { partial: [head, ...mergeExtras(partials, spec)], index: () => idx };
}

/** The index of a head's groups (one row per group), built on first use. */
function lazyIndex(head: Frame, spec: GroupSpec): () => KeyIndex {
  let built: KeyIndex | undefined;
  return () =>
    (built ??= new KeyIndex(
      spec.by.map((b) => head.col(b)),
      head.length,
      false,
    ));
}

/**
 * combineParts for a sorted result: groups found by one radix sort of the partials' rows by key
 * (groupby-sorted.ts), so the merged head comes out in key order and needs no sort afterwards.
 */
function combineSorted(partials: readonly Partial[], spec: GroupSpec): { partial: Partial; index: () => KeyIndex } {
  const heads = partials.length === 1 ? partials[0][0] : concatFrames(partials.map((p) => p[0]));
  const n = heads.length;
  const { sort, ids, count, keys } = sortedGroups(
    spec.by.map((b) => heads.col(b)),
    n,
  );
  const stateNames = heads.names.slice(spec.by.length);
  // States in key order (one gather each), so merging them walks the groups in order.
  const inOrder = new Frame(
    stateNames,
    stateNames.map((s) => gatherSorted(heads.col(s), sort)),
    n,
  );
  const states = mergeStates(inOrder, spec, ids, count);
  const head = new Frame(heads.names, [...keys, ...states], count);
  const extras = partials.length === 1 ? partials[0].slice(1) : mergeExtras(partials, spec);
  return { partial: [head, ...extras], index: lazyIndex(head, spec) };
}

export const groupbyCombine = kernel('dataframe.groupby.combine', (partials: readonly Partial[], spec: GroupSpec): Partial => {
  return partials.length === 1 ? partials[0] : combineParts(partials, spec).partial;
});

// ---- finalize: partials to the result frame ----

function outputColumn(head: Frame, pairs: readonly Frame[], spec: GroupSpec, o: AggOutput, index: () => KeyIndex, schema: Frame): Column {
  const g = head.length;
  const state = (kind: StateKind) => head.col(stateName(kind, kind === 'size' ? '' : o.column));
  const sourceType = o.fn === 'size' ? 'int64' : schema.col(o.column).dtype;
  switch (o.fn) {
    case 'size':
    case 'count':
      return state(o.fn);
    case 'sum':
      return state('sum');
    case 'mean': {
      const s = state('sum').data;
      const k = state('count').data;
      const out = new Float64Array(g);
      for (let i = 0; i < g; i++) out[i] = k[i] > 0 ? s[i] / k[i] : NaN;
      return { dtype: sourceType === 'datetime' ? 'datetime' : 'float64', data: out };
    }
    case 'std':
    case 'var': {
      const m2 = state('m2').data;
      const k = state('count').data;
      const out = new Float64Array(g);
      for (let i = 0; i < g; i++) {
        const v = k[i] - spec.ddof > 0 ? m2[i] / (k[i] - spec.ddof) : NaN;
        out[i] = o.fn === 'std' ? Math.sqrt(v) : v;
      }
      return { dtype: 'float64', data: out };
    }
    case 'min':
    case 'max': {
      const c = state(o.fn);
      // Ints and bools have no missing values, so every group has an extreme: keep the dtype.
      if (sourceType === 'bool' || sourceType === 'int32') {
        const d = c.data;
        let complete = true;
        for (let i = 0; i < g; i++) if (d[i] !== d[i]) complete = false;
        if (complete && sourceType === 'bool') return { dtype: 'bool', data: Uint8Array.from(d) };
        if (complete) return { dtype: 'int64', data: d };
      }
      return c;
    }
    case 'first':
    case 'last':
      return state(o.fn);
    case 'median': {
      const rows = pairs[nuniqueColumns(spec).length + medianColumns(spec).indexOf(o.column)];
      return { dtype: 'float64', data: groupMedians(rows, spec.by, o.column, index(), g) };
    }
    case 'corr': {
      const st = (kind: StateKind) => head.col(stateName(kind, pairColumn(o.column, o.other!))).data;
      const [n, sxx, syy, sxy] = [st('cn'), st('cxx'), st('cyy'), st('cxy')];
      const out = new Float64Array(g);
      // pandas: NaN below two complete pairs or when either column is constant in the group.
      for (let i = 0; i < g; i++) out[i] = n[i] > 1 && sxx[i] > 0 && syy[i] > 0 ? Math.max(-1, Math.min(1, sxy[i] / Math.sqrt(sxx[i] * syy[i]))) : NaN;
      return { dtype: 'float64', data: out };
    }
    case 'nunique': {
      const pairsFrame = pairs[nuniqueColumns(spec).indexOf(o.column)];
      const ids = index().probe(
        spec.by.map((b) => pairsFrame.col(b)),
        pairsFrame.length,
      );
      const out = new Float64Array(g);
      for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) out[ids[i]]++;
      return { dtype: 'int64', data: out };
    }
  }
}

export function groupFinalize(partials: readonly Partial[], spec: GroupSpec, schema: Frame): Frame {
  // Sorted with many possible key tuples: group by sorting (the head comes out in key order);
  // else by hashing (first appearance), sorted afterwards when asked.
  const bySorting =
    spec.sort &&
    manyTuples(
      spec.by.map((b) => partials[0][0].col(b)),
      totalRows(partials),
    );
  const { partial, index } = bySorting ? combineSorted(partials, spec) : combineParts(partials, spec);
  const [head, ...pairs] = partial;
  const keys = spec.by.map((b) => head.col(b));
  const outs = spec.outputs.map((o) => outputColumn(head, pairs, spec, o, index, schema));
  const result = new Frame([...spec.by, ...spec.outputs.map((o) => o.name)], [...keys, ...outs], head.length);
  return spec.sort && !bySorting && result.length > 1 ? takeRows(result, sortOrder(result, spec.by)) : result;
}

export const groupbyFinalize = kernel('dataframe.groupby.finalize', groupFinalize);

/** Split a partial by key hash (every frame of it alike): `nOut` pieces, or `base` by digit `stage`. */
function splitPartial(partial: Partial, spec: GroupSpec, nOut: number, base: number, stage: number): Partial[] {
  const pieces: Partial[] = Array.from({ length: base }, () => []);
  for (const f of partial) {
    const split = splitByKeys(f, spec.by, nOut, base, stage);
    for (let j = 0; j < base; j++) pieces[j].push(split[j]);
  }
  return pieces;
}

/** Chunk, then split the partial by key hash (the first step of the groupby shuffle). */
export const groupbyChunkSplit = kernel(
  'dataframe.groupby.chunk-split',
  (part: Frame, spec: GroupSpec, nOut: number, base: number = nOut, stage: number = 0): Partial[] =>
    splitPartial(groupChunk(part, spec), spec, nOut, base, stage),
);

/** A later stage of a staged groupby shuffle: split an already combined partial again. */
export const groupbyResplit = kernel('dataframe.groupby.resplit', (partial: Partial, spec: GroupSpec, nOut: number, base: number, stage: number): Partial[] =>
  splitPartial(partial, spec, nOut, base, stage),
);
