/**
 * nthElement / sliceMedian (groupby medians) against a plain sort of a copy, on slices of
 * random values with many ties, sorted and reversed runs, and sizes 1..300.
 */
import t from 'tap';
import { nthElement, sliceMedian } from '../../src/dataframe/ops/nth-element.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function plainMedian(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length;
  return m % 2 === 1 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

t.test('sliceMedian equals the median of a sorted copy', async (t) => {
  const r = rng(5);
  let bad = 0;
  for (let m = 1; m <= 300; m++) {
    for (const kind of ['random', 'ties', 'sorted', 'reversed']) {
      const xs = Array.from({ length: m }, (_, i) =>
        kind === 'random' ? r() * 100 - 50 : kind === 'ties' ? Math.floor(r() * 4) : kind === 'sorted' ? i / 3 : (m - i) / 3,
      );
      // Padding either side: only the slice may move.
      const a = Float64Array.from([7, 7, ...xs, -7]);
      const got = sliceMedian(a, 2, 2 + m);
      if (got !== plainMedian(xs) || a[0] !== 7 || a[1] !== 7 || a[a.length - 1] !== -7) bad++;
    }
  }
  t.equal(bad, 0);
  t.ok(Number.isNaN(sliceMedian(new Float64Array(3), 1, 1)), 'empty slice');
});

t.test('nthElement leaves smaller values before k and larger after', async (t) => {
  const r = rng(9);
  let bad = 0;
  for (let trial = 0; trial < 200; trial++) {
    const m = 1 + Math.floor(r() * 500);
    const a = Float64Array.from({ length: m }, () => Math.floor(r() * 50));
    const want = Array.from(a).sort((x, y) => x - y);
    const k = Math.floor(r() * m);
    const v = nthElement(a, 0, m, k);
    if (v !== want[k]) bad++;
    for (let i = 0; i < m; i++) if ((i < k && a[i] > v) || (i > k && a[i] < v)) bad++;
  }
  t.equal(bad, 0);
});
