/**
 * The sort-based groupby paths, against plain code written here (a Map of key tuples, then a
 * comparator sort of the groups): partitions with nearly one row per group (handed on
 * unaggregated), partitions with many possible key tuples (grouped by sorting), missing keys
 * kept or dropped; and sortOrder on enough rows for the most-significant-digit-first radix
 * with keys packed into three words.
 */
import t, { type Test } from 'tap';
import { type Cell, type DType, Frame, getCell } from '../../src/dataframe/frame.js';
import { type GroupSpec, groupChunk, groupFinalize } from '../../src/dataframe/ops/groupby.js';
import { sortOrder } from '../../src/dataframe/ops/sort.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Cols = Record<string, Cell[]>;

/** Missing last; strings by code point, numbers by value. */
function cmpCell(x: Cell, y: Cell): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}

// ---- sortOrder: MSD first pass, three packed words ----

t.test('sortOrder on 70,000 rows, keys spanning three 32-bit words, against a comparator sort', async (t) => {
  const n = 70_000;
  const r = rng(11);
  const cols: Cols = { s: [], a: [], f: [], w: [], d: [] };
  for (let i = 0; i < n; i++) {
    cols.s.push(r() < 0.02 ? null : `k${Math.floor(r() * 3000)}`);
    cols.a.push(Math.floor(r() * 100_000));
    cols.f.push(r() < 0.02 ? null : Math.floor(r() * 5000) / 4 - 300);
    cols.w.push(Math.floor(r() * 2 ** 20) * 7);
    cols.d.push(Math.floor(r() * 3));
  }
  const frame = Frame.fromColumns(cols, { s: 'string', a: 'int64', f: 'float64', w: 'int64', d: 'int64' });
  for (const [by, asc] of [
    [
      ['s', 'a', 'f', 'w', 'd'],
      [true, true, true, true, true],
    ],
    [
      ['d', 'w', 's', 'f'],
      [false, true, false, true],
    ],
    [['a'], [false]],
  ] as Array<[string[], boolean[]]>) {
    const want = Array.from({ length: n }, (_, i) => i).sort((x, y) => {
      for (let j = 0; j < by.length; j++) {
        const c = cmpCell(cols[by[j]][x], cols[by[j]][y]);
        // Missing stays last whatever the direction.
        if (c !== 0) return asc[j] || cols[by[j]][x] === null || cols[by[j]][y] === null ? c : -c;
      }
      return x - y;
    });
    t.same(Array.from(sortOrder(frame, by, asc)), want, by.join(','));
  }
});

// ---- groupby ----

interface Expected {
  keys: Cell[][];
  sum: number[];
  count: number[];
  min: Cell[];
  first: Cell[];
  std: number[];
}

/** Plain grouping: tuples in a Map (missing keys dropped or kept as a group), then sorted. */
function reference(cols: Cols, by: string[], n: number, dropna: boolean): Expected {
  const groups = new Map<string, { key: Cell[]; vs: number[]; first: Cell }>();
  for (let i = 0; i < n; i++) {
    const key = by.map((b) => cols[b][i]);
    if (dropna && key.some((k) => k === null)) continue;
    const id = JSON.stringify(key);
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = { key, vs: [], first: null }));
    const v = cols.v[i] as number | null;
    if (v !== null) {
      g.vs.push(v);
      if (g.first === null) g.first = v;
    }
  }
  const all = [...groups.values()].sort((x, y) => {
    for (let j = 0; j < by.length; j++) {
      const c = cmpCell(x.key[j], y.key[j]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return {
    keys: all.map((g) => g.key),
    sum: all.map((g) => g.vs.reduce((a, b) => a + b, 0)),
    count: all.map((g) => g.vs.length),
    min: all.map((g) => (g.vs.length ? Math.min(...g.vs) : null)),
    first: all.map((g) => g.first),
    std: all.map((g) => {
      const m = g.vs.length;
      if (m < 2) return NaN;
      const mean = g.vs.reduce((a, b) => a + b, 0) / m;
      return Math.sqrt(g.vs.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1));
    }),
  };
}

function parts(cols: Cols, dtypes: Record<string, DType>, n: number, k: number): Frame[] {
  const out: Frame[] = [];
  for (let p = 0; p < k; p++) {
    const a = Math.floor((p * n) / k);
    const b = Math.floor(((p + 1) * n) / k);
    const slice: Cols = {};
    for (const [name, vs] of Object.entries(cols)) slice[name] = vs.slice(a, b);
    out.push(Frame.fromColumns(slice, dtypes));
  }
  return out;
}

function check(t: Test, got: Frame, want: Expected, by: string[]): void {
  t.equal(got.length, want.keys.length, 'groups');
  let bad = 0;
  for (let i = 0; i < got.length && bad < 5; i++) {
    const key = by.map((b) => getCell(got.col(b), i));
    const close = (x: number, y: number) => (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
    const gotMin = getCell(got.col('min'), i);
    const gotFirst = getCell(got.col('first'), i);
    const isMissing = (c: Cell) => c === null || (typeof c === 'number' && Number.isNaN(c));
    const ok =
      JSON.stringify(key) === JSON.stringify(want.keys[i]) &&
      close(getCell(got.col('sum'), i) as number, want.sum[i]) &&
      getCell(got.col('count'), i) === want.count[i] &&
      (want.min[i] === null ? isMissing(gotMin) : gotMin === want.min[i]) &&
      (want.first[i] === null ? isMissing(gotFirst) : gotFirst === want.first[i]) &&
      close(getCell(got.col('std'), i) as number, want.std[i]);
    if (!ok) {
      bad++;
      t.fail(
        `group ${i}: got ${JSON.stringify([key, ...['sum', 'count', 'min', 'first', 'std'].map((c) => getCell(got.col(c), i))])}, want ${JSON.stringify([want.keys[i], want.sum[i], want.count[i], want.min[i], want.first[i], want.std[i]])}`,
      );
    }
  }
  if (bad === 0) t.pass('every group equal');
}

const OUTPUTS: GroupSpec['outputs'] = [
  { name: 'sum', column: 'v', fn: 'sum' },
  { name: 'count', column: 'v', fn: 'count' },
  { name: 'min', column: 'v', fn: 'min' },
  { name: 'first', column: 'v', fn: 'first' },
  { name: 'std', column: 'v', fn: 'std' },
];

/** Rows of `n` with keys drawn so that about `rowsPerGroup` rows share a tuple; some keys and values missing. */
function table(n: number, seed: number, spread: number): { cols: Cols; dtypes: Record<string, DType> } {
  const r = rng(seed);
  const cols: Cols = { s: [], a: [], b: [], v: [] };
  for (let i = 0; i < n; i++) {
    const g = Math.floor(r() * spread);
    cols.s.push(r() < 0.01 ? null : `id${g % 150}`);
    cols.a.push(Math.floor(g / 150));
    cols.b.push(r() < 0.01 ? null : (g % 7) / 2);
    cols.v.push(r() < 0.05 ? null : Math.floor(r() * 1000) / 8);
  }
  return { cols, dtypes: { s: 'string', a: 'int64', b: 'float64', v: 'float64' } };
}

for (const dropna of [true, false]) {
  t.test(`nearly one row per group (handed on unaggregated), dropna ${dropna}`, async (t) => {
    const n = 120_000;
    const { cols, dtypes } = table(n, 3, 1e9);
    const by = ['s', 'a', 'b'];
    const spec: GroupSpec = { by, outputs: OUTPUTS, dropna, sort: true, ddof: 1 };
    const ps = parts(cols, dtypes, n, 3);
    const got = groupFinalize(
      ps.map((p) => groupChunk(p, spec)),
      spec,
      ps[0],
    );
    check(t, got, reference(cols, by, n, dropna), by);
  });

  t.test(`many possible tuples, a few rows per group (grouped by sorting), dropna ${dropna}`, async (t) => {
    const n = 90_000;
    const { cols, dtypes } = table(n, 5, 20_000);
    const by = ['s', 'a', 'b'];
    const spec: GroupSpec = { by, outputs: OUTPUTS, dropna, sort: true, ddof: 1 };
    const ps = parts(cols, dtypes, n, 2);
    const got = groupFinalize(
      ps.map((p) => groupChunk(p, spec)),
      spec,
      ps[0],
    );
    check(t, got, reference(cols, by, n, dropna), by);
  });
}
