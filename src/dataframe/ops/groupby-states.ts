/**
 * Per-group states (count, sum, m2, min, max, first, last, size) of rows grouped by ids:
 * computed from a partition's values, and merged from partials' states.
 */
import { BOOL_NA, type Column, compactStrings, type DType, exactGroupSums, type Frame, takeColumn } from '../frame.js';
import { type GroupSpec, isPairKind, PAIR_KINDS, type PairKind, pairOf, type State, stateName, statesOf } from './groupby-spec.js';
import { dictRanks } from './sort.js';

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

export function missingOf(c: Column, i: number): boolean {
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

type PairStates = Record<PairKind, Float64Array>;

/**
 * Co-moments of (x, y) per group over the rows where both are present: count, sums, and the
 * centred second moments (two passes: means first, so no sum-of-squares cancellation).
 */
function pairStates(x: ArrayLike<number>, y: ArrayLike<number>, ids: Int32Array, g: number): PairStates {
  const n = ids.length;
  const cn = new Float64Array(g);
  const cx = new Float64Array(g);
  const cy = new Float64Array(g);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    const a = x[i];
    const b = y[i];
    if (id < 0 || a !== a || b !== b) continue;
    cn[id]++;
    cx[id] += a;
    cy[id] += b;
  }
  const mx = new Float64Array(g);
  const my = new Float64Array(g);
  for (let k = 0; k < g; k++) {
    if (cn[k] > 0) {
      mx[k] = cx[k] / cn[k];
      my[k] = cy[k] / cn[k];
    }
  }
  const cxx = new Float64Array(g);
  const cyy = new Float64Array(g);
  const cxy = new Float64Array(g);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    const a = x[i];
    const b = y[i];
    if (id < 0 || a !== a || b !== b) continue;
    const dx = a - mx[id];
    const dy = b - my[id];
    cxx[id] += dx * dx;
    cyy[id] += dy * dy;
    cxy[id] += dx * dy;
  }
  return { cn, cx, cy, cxx, cyy, cxy };
}

/** Pair states of partials merged by Chan et al.'s pairwise update (co-moment included). */
function mergePairStates(all: Frame, column: string, ids: Int32Array, g: number): PairStates {
  const st = (k: PairKind) => all.col(stateName(k, column)).data;
  const [n, sx, sy, mxx, myy, mxy] = PAIR_KINDS.map(st);
  const out: PairStates = {
    cn: new Float64Array(g),
    cx: new Float64Array(g),
    cy: new Float64Array(g),
    cxx: new Float64Array(g),
    cyy: new Float64Array(g),
    cxy: new Float64Array(g),
  };
  const { cn, cx, cy, cxx, cyy, cxy } = out;
  for (let i = 0; i < all.length; i++) {
    const id = ids[i];
    const nb = n[i];
    if (nb === 0) continue;
    const na = cn[id];
    if (na > 0) {
      const dx = sx[i] / nb - cx[id] / na;
      const dy = sy[i] / nb - cy[id] / na;
      const w = (na * nb) / (na + nb);
      cxx[id] += mxx[i] + dx * dx * w;
      cyy[id] += myy[i] + dy * dy * w;
      cxy[id] += mxy[i] + dx * dy * w;
    } else {
      cxx[id] = mxx[i];
      cyy[id] = myy[i];
      cxy[id] = mxy[i];
    }
    cn[id] = na + nb;
    cx[id] += sx[i];
    cy[id] += sy[i];
  }
  return out;
}

/** States of rows grouped by `ids` (row i belongs to group ids[i]; -1 = dropped). */
export function computeStates(part: Frame, states: readonly State[], ids: Int32Array, g: number): Column[] {
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
      const t = part.col(column).dtype;
      if (t === 'int64' || t === 'int32') exactGroupSums(x, ids, g, s, `groupby sum of '${column}'`);
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
  const pairs = new Map<string, PairStates>();
  return states.map(({ kind, column }): Column => {
    if (isPairKind(kind)) {
      let p = pairs.get(column);
      if (p === undefined) {
        const [x, y] = pairOf(column);
        p = pairStates(values(part.col(x)), values(part.col(y)), ids, g);
        pairs.set(column, p);
      }
      return { dtype: 'float64', data: p[kind] };
    }
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

export function mergeStates(all: Frame, spec: GroupSpec, ids: Int32Array, g: number): Column[] {
  const n = all.length;
  const pairs = new Map<string, PairStates>();
  return statesOf(spec).map(({ kind, column }): Column => {
    if (isPairKind(kind)) {
      let p = pairs.get(column);
      if (p === undefined) {
        p = mergePairStates(all, column, ids, g);
        pairs.set(column, p);
      }
      return { dtype: 'float64', data: p[kind] };
    }
    const c = all.col(stateName(kind, column));
    switch (kind) {
      case 'size':
      case 'count':
      case 'sum': {
        const out = new Float64Array(g);
        const d = c.data;
        for (let i = 0; i < n; i++) out[ids[i]] += d[i];
        if (kind === 'sum' && c.dtype === 'int64') exactGroupSums(d, ids, g, out, `groupby sum of '${column}'`);
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
