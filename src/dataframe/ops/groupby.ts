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
 * A partial is `Frame[]`: [states, ...distinct pairs per nunique column].
 */
import { kernel } from '../../core/kernels.js';
import { BOOL_NA, type Column, type DType, Frame, isNumberLike, takeColumn } from '../frame.js';
import { concatFrames } from './concat.js';
import { compactStrings, KeyIndex } from './hash.js';
import { splitByKeys } from './shuffle.js';
import { dictRanks, sortOrder } from './sort.js';
import { takeRows } from './take.js';

export type AggName = 'sum' | 'mean' | 'count' | 'min' | 'max' | 'std' | 'var' | 'size' | 'nunique' | 'first' | 'last';
export const AGG_NAMES: readonly AggName[] = ['sum', 'mean', 'count', 'min', 'max', 'std', 'var', 'size', 'nunique', 'first', 'last'];

/** One output column: `fn` applied to `column` (ignored for size). */
export interface AggOutput {
  readonly name: string;
  readonly column: string;
  readonly fn: AggName;
}

export interface GroupSpec {
  readonly by: readonly string[];
  readonly outputs: readonly AggOutput[];
  /** Drop groups whose key is missing (pandas' default). */
  readonly dropna: boolean;
  /** Sort the result by the keys. */
  readonly sort: boolean;
  /** Delta degrees of freedom for std/var. */
  readonly ddof: number;
}

export type Partial = Frame[];

type StateKind = 'count' | 'sum' | 'm2' | 'min' | 'max' | 'first' | 'last' | 'size';

const NEEDS: Record<Exclude<AggName, 'nunique'>, StateKind[]> = {
  sum: ['sum'],
  mean: ['sum', 'count'],
  count: ['count'],
  min: ['min'],
  max: ['max'],
  std: ['sum', 'count', 'm2'],
  var: ['sum', 'count', 'm2'],
  size: ['size'],
  first: ['first'],
  last: ['last'],
};

const stateName = (kind: StateKind, column: string) => `\u0001${kind}\u0001${column}`;

interface State {
  kind: StateKind;
  column: string;
}

/** The distinct states the outputs need, in a fixed order. */
function statesOf(spec: GroupSpec): State[] {
  const seen = new Set<string>();
  const out: State[] = [];
  for (const o of spec.outputs) {
    if (o.fn === 'nunique') continue;
    for (const kind of NEEDS[o.fn]) {
      const column = kind === 'size' ? '' : o.column;
      const name = stateName(kind, column);
      if (!seen.has(name)) {
        seen.add(name);
        out.push({ kind, column });
      }
    }
  }
  return out;
}

function nuniqueColumns(spec: GroupSpec): string[] {
  return [...new Set(spec.outputs.filter((o) => o.fn === 'nunique').map((o) => o.column))];
}

/** Check the spec against a schema; errors name the column and the aggregation. */
export function validateSpec(spec: GroupSpec, schema: Frame): void {
  for (const b of spec.by) if (!schema.has(b)) schema.col(b);
  const names = new Set<string>(spec.by);
  for (const o of spec.outputs) {
    if (names.has(o.name)) throw new TypeError(`groupby: two result columns would be named '${o.name}' (group keys come first); name the outputs apart`);
    names.add(o.name);
  }
  for (const o of spec.outputs) {
    if (!(AGG_NAMES as readonly string[]).includes(o.fn)) {
      throw new TypeError(`groupby: unknown aggregation '${o.fn}' for '${o.name}'; use one of ${AGG_NAMES.join(', ')}`);
    }
    if (o.fn === 'size') continue;
    const t = schema.col(o.column).dtype;
    if ((o.fn === 'sum' || o.fn === 'mean' || o.fn === 'std' || o.fn === 'var') && !isNumberLike(t) && !(o.fn === 'mean' && t === 'datetime')) {
      throw new TypeError(`groupby: cannot take the ${o.fn} of ${t} column '${o.column}'; select numeric columns (g.select([...])) or use count/nunique/first/last/min/max`);
    }
  }
}

// ---- chunk: one partition to one partial ----

/** Numbers of a column with NaN for missing (bools as 0/1). */
function values(c: Column): ArrayLike<number> {
  if (c.dtype !== 'bool') return c.data;
  const d = c.data;
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i] === BOOL_NA ? NaN : d[i];
  return out;
}

function sumDType(t: DType): DType {
  return t === 'float64' ? 'float64' : 'int64';
}

function missingOf(c: Column, i: number): boolean {
  const x = c.data[i];
  return c.dtype === 'string' ? x < 0 : c.dtype === 'bool' ? x === BOOL_NA : x !== x;
}

/** First (or last) non-missing row of each group. */
function edgeRows(c: Column, ids: Int32Array, g: number, last: boolean): Int32Array {
  const rows = new Int32Array(g).fill(-1);
  const n = ids.length;
  if (last) {
    for (let i = 0; i < n; i++) if (ids[i] >= 0 && !missingOf(c, i)) rows[ids[i]] = i;
  } else {
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (id >= 0 && rows[id] < 0 && !missingOf(c, i)) rows[id] = i;
    }
  }
  return rows;
}

/** Min or max per group; strings compare by value (dictionary ranks), numbers skip NaN. */
function extremeState(c: Column, ids: Int32Array, g: number, max: boolean): Column {
  const n = ids.length;
  if (c.dtype === 'string') {
    const ranks = dictRanks(c.dict!);
    const best = new Int32Array(g).fill(-1);
    const codes = c.data as Int32Array;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const k = codes[i];
      if (id < 0 || k < 0) continue;
      const b = best[id];
      if (b < 0 || (max ? ranks[k] > ranks[b] : ranks[k] < ranks[b])) best[id] = k;
    }
    return compactStrings({ dtype: 'string', data: best, dict: c.dict });
  }
  const x = values(c);
  const out = new Float64Array(g).fill(NaN);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    const v = x[i];
    if (id < 0 || v !== v) continue;
    const cur = out[id];
    if (cur !== cur || (max ? v > cur : v < cur)) out[id] = v;
  }
  const dtype: DType = c.dtype === 'bool' ? 'float64' : c.dtype === 'int32' ? 'int64' : c.dtype;
  return { dtype, data: out };
}

/** States of rows grouped by `ids` (row i belongs to group ids[i]; -1 = dropped). */
function computeStates(part: Frame, states: readonly State[], ids: Int32Array, g: number): Column[] {
  const n = part.length;
  const sums = new Map<string, Float64Array>();
  const counts = new Map<string, Float64Array>();
  const sumOf = (column: string): Float64Array => {
    let s = sums.get(column);
    if (s === undefined) {
      s = new Float64Array(g);
      const x = values(part.col(column));
      for (let i = 0; i < n; i++) {
        const id = ids[i];
        const v = x[i];
        if (id >= 0 && v === v) s[id] += v;
      }
      sums.set(column, s);
    }
    return s;
  };
  const countOf = (column: string): Float64Array => {
    let s = counts.get(column);
    if (s === undefined) {
      s = new Float64Array(g);
      const c = part.col(column);
      if (c.dtype === 'int64' || c.dtype === 'int32') {
        for (let i = 0; i < n; i++) if (ids[i] >= 0) s[ids[i]]++;
      } else {
        for (let i = 0; i < n; i++) if (ids[i] >= 0 && !missingOf(c, i)) s[ids[i]]++;
      }
      counts.set(column, s);
    }
    return s;
  };
  return states.map(({ kind, column }): Column => {
    switch (kind) {
      case 'size': {
        const s = new Float64Array(g);
        for (let i = 0; i < n; i++) if (ids[i] >= 0) s[ids[i]]++;
        return { dtype: 'int64', data: s };
      }
      case 'count':
        return { dtype: 'int64', data: countOf(column) };
      case 'sum':
        return { dtype: sumDType(part.col(column).dtype), data: sumOf(column) };
      case 'm2': {
        const sum = sumOf(column);
        const cnt = countOf(column);
        const mean = new Float64Array(g);
        for (let k = 0; k < g; k++) mean[k] = cnt[k] > 0 ? sum[k] / cnt[k] : 0;
        const x = values(part.col(column));
        const m2 = new Float64Array(g);
        for (let i = 0; i < n; i++) {
          const id = ids[i];
          const v = x[i];
          if (id < 0 || v !== v) continue;
          const d = v - mean[id];
          m2[id] += d * d;
        }
        return { dtype: 'float64', data: m2 };
      }
      case 'min':
      case 'max':
        return extremeState(part.col(column), ids, g, kind === 'max');
      case 'first':
      case 'last': {
        const c = part.col(column);
        return compactStrings(takeColumn(c, edgeRows(c, ids, g, kind === 'last')));
      }
    }
  });
}

function keyColumns(part: Frame, by: readonly string[], rows: Int32Array): Column[] {
  return by.map((b) => compactStrings(takeColumn(part.col(b), rows)));
}

/** Distinct (keys..., value) rows of one column, missing values skipped. */
function distinctPairs(part: Frame, by: readonly string[], column: string, ids: Int32Array): Frame {
  const c = part.col(column);
  const n = part.length;
  const keep = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (ids[i] >= 0 && !missingOf(c, i)) keep[m++] = i;
  const rows = keep.subarray(0, m);
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

export function groupChunk(part: Frame, spec: GroupSpec): Partial {
  const keyIdx = new KeyIndex(spec.by.map((b) => part.col(b)), part.length, spec.dropna);
  const g = keyIdx.count;
  const ids = keyIdx.ids;
  const states = statesOf(spec);
  const keys = keyColumns(part, spec.by, keyIdx.firstRows());
  const stateCols = computeStates(part, states, ids, g);
  const head = new Frame([...spec.by, ...states.map((s) => stateName(s.kind, s.column))], [...keys, ...stateCols], g);
  return [head, ...nuniqueColumns(spec).map((c) => distinctPairs(part, spec.by, c, ids))];
}

export const groupbyChunk = kernel('dataframe.groupby.chunk', groupChunk);

// ---- combine: partials to one partial ----

function mergeStates(all: Frame, spec: GroupSpec, ids: Int32Array, g: number): Column[] {
  const n = all.length;
  return statesOf(spec).map(({ kind, column }): Column => {
    const c = all.col(stateName(kind, column));
    switch (kind) {
      case 'size':
      case 'count':
      case 'sum': {
        const out = new Float64Array(g);
        const d = c.data;
        for (let i = 0; i < n; i++) out[ids[i]] += d[i];
        return { dtype: c.dtype, data: out };
      }
      case 'm2': {
        // Chan et al.: merging (n_a, mean_a, M2_a) with (n_b, mean_b, M2_b).
        const s = all.col(stateName('sum', column)).data;
        const k = all.col(stateName('count', column)).data;
        const m2 = c.data;
        const accN = new Float64Array(g);
        const accS = new Float64Array(g);
        const out = new Float64Array(g);
        for (let i = 0; i < n; i++) {
          const id = ids[i];
          const nb = k[i];
          if (nb === 0) continue;
          const na = accN[id];
          if (na > 0) {
            const delta = s[i] / nb - accS[id] / na;
            out[id] += m2[i] + (delta * delta * na * nb) / (na + nb);
          } else out[id] = m2[i];
          accN[id] = na + nb;
          accS[id] += s[i];
        }
        return { dtype: 'float64', data: out };
      }
      case 'min':
      case 'max':
        return extremeState(c, ids, g, kind === 'max');
      case 'first':
      case 'last':
        return compactStrings(takeColumn(c, edgeRows(c, ids, g, kind === 'last')));
    }
  });
}

function combineParts(partials: readonly Partial[], spec: GroupSpec): { partial: Partial; index: KeyIndex } {
  const heads = concatFrames(partials.map((p) => p[0]));
  // Chunks already dropped missing keys when asked; what remains is a group of its own.
  const idx = new KeyIndex(spec.by.map((b) => heads.col(b)), heads.length, false);
  const g = idx.count;
  const keys = keyColumns(heads, spec.by, idx.firstRows());
  const states = mergeStates(heads, spec, idx.ids, g);
  const head = new Frame(heads.names, [...keys, ...states], g);
  const pairs = nuniqueColumns(spec).map((column, j) => {
    const all = concatFrames(partials.map((p) => p[j + 1]));
    if (all.length === 0) return all;
    const d = new KeyIndex(all.columns, all.length, false);
    return takeRows(all, d.firstRows());
  });
  return { partial: [head, ...pairs], index: idx };
}

export const groupbyCombine = kernel('dataframe.groupby.combine', (partials: readonly Partial[], spec: GroupSpec): Partial => {
  return partials.length === 1 ? partials[0] : combineParts(partials, spec).partial;
});

// ---- finalize: partials to the result frame ----

function outputColumn(head: Frame, pairs: readonly Frame[], spec: GroupSpec, o: AggOutput, index: KeyIndex, schema: Frame): Column {
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
    case 'nunique': {
      const pairsFrame = pairs[nuniqueColumns(spec).indexOf(o.column)];
      const ids = index.probe(spec.by.map((b) => pairsFrame.col(b)), pairsFrame.length);
      const out = new Float64Array(g);
      for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) out[ids[i]]++;
      return { dtype: 'int64', data: out };
    }
  }
}

export function groupFinalize(partials: readonly Partial[], spec: GroupSpec, schema: Frame): Frame {
  const { partial, index } = combineParts(partials, spec);
  const [head, ...pairs] = partial;
  const keys = spec.by.map((b) => head.col(b));
  const outs = spec.outputs.map((o) => outputColumn(head, pairs, spec, o, index, schema));
  let result = new Frame([...spec.by, ...spec.outputs.map((o) => o.name)], [...keys, ...outs], head.length);
  if (spec.sort && result.length > 1) result = takeRows(result, sortOrder(result, spec.by));
  return result;
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
export const groupbyChunkSplit = kernel('dataframe.groupby.chunk-split', (part: Frame, spec: GroupSpec, nOut: number, base = nOut, stage = 0): Partial[] =>
  splitPartial(groupChunk(part, spec), spec, nOut, base, stage),
);

/** A later stage of a staged groupby shuffle: split an already combined partial again. */
export const groupbyResplit = kernel('dataframe.groupby.resplit', (partial: Partial, spec: GroupSpec, nOut: number, base: number, stage: number): Partial[] =>
  splitPartial(partial, spec, nOut, base, stage),
);
