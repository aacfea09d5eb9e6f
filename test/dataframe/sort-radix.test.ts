/**
 * sortOrder on frames large enough for the counting-sort path (>= 512 rows), several keys of
 * few and many distinct values (so some keys share a pass and some do not), ascending and
 * descending, with missing values, against a plain stable comparator sort written here.
 */
import t from 'tap';
import { type Cell, Frame } from '../../src/dataframe/frame.js';
import { sortOrder } from '../../src/dataframe/ops/sort.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const n = 4000;
const r = rng(7);
const cols: Record<string, Cell[]> = { s: [], small: [], wide: [], f: [], big: [] };
for (let i = 0; i < n; i++) {
  cols.s.push(r() < 0.03 ? null : `v${Math.floor(r() * 12)}`);
  cols.small.push(Math.floor(r() * 5) - 2);
  cols.wide.push(Math.floor(r() * 3000) * 3);
  cols.f.push(r() < 0.03 ? null : Math.floor(r() * 40) / 8);
  cols.big.push(Math.floor(r() * 4) * 1e12);
}
const frame = Frame.fromColumns(cols, { s: 'string', small: 'int64', wide: 'int64', f: 'float64', big: 'int64' });

/** Missing last whatever the direction; ties by row (stable). */
function reference(by: readonly string[], asc: readonly boolean[]): number[] {
  const rows = Array.from({ length: n }, (_, i) => i);
  return rows.sort((a, b) => {
    for (let j = 0; j < by.length; j++) {
      const x = cols[by[j]][a];
      const y = cols[by[j]][b];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = (x as number | string) < (y as number | string) ? -1 : 1;
      return asc[j] ? c : -c;
    }
    return a - b;
  });
}

const CASES: Array<[string[], boolean[]]> = [
  [
    ['s', 'small'],
    [true, true],
  ],
  [
    ['small', 's', 'f'],
    [false, true, false],
  ],
  [
    ['wide', 'small'],
    [true, false],
  ],
  [
    ['f', 'big', 's', 'small'],
    [true, true, false, true],
  ],
  [
    ['small', 'wide', 's'],
    [false, false, false],
  ],
];

for (const [by, asc] of CASES) {
  t.test(`${by.map((b, j) => `${b} ${asc[j] ? 'asc' : 'desc'}`).join(', ')}`, async (t) => {
    t.same(Array.from(sortOrder(frame, by, asc)), reference(by, asc));
  });
}
