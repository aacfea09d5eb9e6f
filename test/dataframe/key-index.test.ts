/**
 * KeyIndex (the factorizer under groupby, merge, isin and distinct) on several key columns,
 * in both of its combining modes (a flat mixed-radix array for few combinations, one hash
 * table over the rows' tuples for many), against a plain reference written here: tuples
 * numbered by first appearance through a Map of their printed values.
 */
import t from 'tap';
import { type Cell, type Column, Frame } from '../../src/dataframe/frame.js';
import { KeyIndex } from '../../src/dataframe/ops/key-index.js';

/** Seeded LCG, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Case {
  cols: Record<string, Cell[]>;
  n: number;
}

/** n rows of a string key, an int key, a float key with NaN and a bool key, `card` values each. */
function makeCase(n: number, card: number, seed: number, missing: boolean): Case {
  const r = rng(seed);
  const pick = () => Math.floor(r() * card);
  const s: Cell[] = [];
  const i: Cell[] = [];
  const f: Cell[] = [];
  const b: Cell[] = [];
  for (let k = 0; k < n; k++) {
    s.push(missing && r() < 0.05 ? null : `k${pick()}`);
    i.push(pick() * 7 - 3);
    f.push(missing && r() < 0.05 ? null : pick() / 4);
    b.push(r() < 0.5);
  }
  return { cols: { s, i, f, b }, n };
}

const frameOf = (c: Case, names: readonly string[]): Column[] => {
  const fr = Frame.fromColumns(Object.fromEntries(names.map((nm) => [nm, c.cols[nm]])), { i: 'int64', f: 'float64', b: 'bool', s: 'string' });
  return names.map((nm) => fr.col(nm));
};

const tupleOf = (c: Case, names: readonly string[], row: number): { key: string; missing: boolean } => {
  const vals = names.map((nm) => c.cols[nm][row]);
  return { key: JSON.stringify(vals), missing: vals.some((v) => v === null) };
};

/** Reference ids: first appearance order; missing tuples -1 when dropped. */
function referenceIds(c: Case, names: readonly string[], dropna: boolean): { ids: number[]; byKey: Map<string, number> } {
  const byKey = new Map<string, number>();
  const ids: number[] = [];
  for (let row = 0; row < c.n; row++) {
    const { key, missing } = tupleOf(c, names, row);
    if (missing && dropna) {
      ids.push(-1);
      continue;
    }
    if (!byKey.has(key)) byKey.set(key, byKey.size);
    ids.push(byKey.get(key)!);
  }
  return { ids, byKey };
}

const KEYS: readonly (readonly string[])[] = [
  ['s', 'i'],
  ['i', 'f', 'b'],
  ['s', 'i', 'f', 'b'],
];

// card 4: few combinations (mixed-radix array); card 300: combinations beyond the rows (hash table).
for (const card of [4, 300]) {
  for (const names of KEYS) {
    for (const dropna of [true, false]) {
      t.test(`${names.join(',')} card ${card} dropna ${dropna}`, async (t) => {
        const build = makeCase(3000, card, 11 + card, true);
        const idx = new KeyIndex(frameOf(build, names), build.n, dropna);
        const ref = referenceIds(build, names, dropna);
        t.equal(idx.count, ref.byKey.size, 'group count');
        t.same(Array.from(idx.ids), ref.ids, 'ids in first-appearance order');
        // Probe with another frame: its own string dictionary, some tuples absent from the build, some present.
        const fresh = makeCase(1500, card + 1, 99 + card, true);
        const other: Case = {
          cols: Object.fromEntries(Object.keys(build.cols).map((nm) => [nm, [...fresh.cols[nm], ...build.cols[nm].slice(0, 500)]])),
          n: 2000,
        };
        const got = idx.probe(frameOf(other, names), other.n);
        const want: number[] = [];
        for (let row = 0; row < other.n; row++) {
          const { key, missing } = tupleOf(other, names, row);
          want.push(missing && dropna ? -1 : (ref.byKey.get(key) ?? -1));
        }
        t.same(Array.from(got), want, 'probe ids');
        t.ok(
          want.some((w) => w >= 0),
          'some probe rows match',
        );
        t.ok(
          want.some((w) => w < 0),
          'some probe rows miss',
        );
      });
    }
  }
}

t.test('one group per row: every tuple distinct', async (t) => {
  const n = 5000;
  const a: Cell[] = [];
  const b: Cell[] = [];
  for (let k = 0; k < n; k++) {
    a.push(`a${k % 100}`);
    b.push(Math.floor(k / 100) * 1000 + 17);
  }
  const fr = Frame.fromColumns({ a, b }, { a: 'string', b: 'int64' });
  const idx = new KeyIndex([fr.col('a'), fr.col('b')], n);
  t.equal(idx.count, n);
  t.same(
    Array.from(idx.ids),
    Array.from({ length: n }, (_, k) => k),
  );
});
