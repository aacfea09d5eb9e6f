/**
 * Array cases against numpy. The inputs are generated here (seeded) and sent to the reference
 * with the spec: `a` (23 x 17, finite, with -0.0 and magnitudes from 1e-300 to 1e12), `v` (17),
 * `w` (23), `n` (6 x 5, with NaN and infinities). `py` sees them as nested lists; `A`, `V`,
 * `W`, `N` are the numpy arrays. Uneven chunks everywhere: blocks of 5, 5, 5, 8 rows.
 */
import * as da from '../../../src/array/index.js';
import { compute } from '../../../src/core/compute.js';
import type { Encoded } from '../encode.js';
import { Rng } from '../generate.js';
import type { Case, Local } from '../harness.js';

export interface ArrayCtx {
  a: da.Array<2>;
  v: da.Array<1>;
  w: da.Array<1>;
  n: da.Array<2>;
}

function values(r: Rng, count: number, messy: boolean): number[] {
  return Array.from({ length: count }, () => {
    const p = r.next();
    if (messy && p < 0.08) return NaN;
    if (messy && p < 0.12) return r.chance(0.5) ? Infinity : -Infinity;
    if (p < 0.17) return -0;
    if (p < 0.2) return r.int(-3, 3) * 1e-300;
    if (p < 0.23) return r.int(-9, 9) * 1e12;
    return Math.round((r.next() - 0.5) * 2e6) / 64;
  });
}

export function arrayInputs(): { vars: Record<string, unknown>; context: () => ArrayCtx } {
  const r = new Rng(4242);
  const a = values(r, 23 * 17, false);
  const v = values(r, 17, false);
  const w = values(r, 23, false);
  const n = values(r, 30, true);
  return {
    vars: { a, v, w, n },
    context: () => ({
      a: da.fromArray(a, {
        shape: [23, 17],
        chunks: [
          [5, 5, 5, 8],
          [4, 13],
        ],
      }),
      v: da.fromArray(v, { chunks: [[4, 13]] }),
      w: da.fromArray(w, { chunks: [[5, 5, 5, 8]] }),
      n: da.fromArray(n, { shape: [6, 5], chunks: [4, 2] }),
    }),
  };
}

type C = Case<ArrayCtx>;
const SETUP = 'A = np.array(a).reshape(23, 17); V = np.array(v); W = np.array(w); N = np.array(n).reshape(6, 5)\n';
const np = (expr: string): string => `${SETUP}result = ${expr}`;

/** Statistical checks of random draws: sample mean and std within a few standard errors of the requested ones. */
function drawsCheck(mean: number, std: number, lo = -Infinity, hi = Infinity) {
  return (got: Encoded): string[] => {
    if (!('kind' in got) || got.kind !== 'ndarray') return [`expected an array, got ${JSON.stringify(got).slice(0, 100)}`];
    const xs = got.values.map(Number);
    const n = xs.length;
    const m = xs.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
    const out: string[] = [];
    if (Math.abs(m - mean) > (6 * std) / Math.sqrt(n)) out.push(`sample mean ${m}, expected ${mean} within 6 standard errors`);
    if (Math.abs(sd - std) > 0.1 * std) out.push(`sample std ${sd}, expected ${std} within 10%`);
    if (xs.some((x) => !(x >= lo && x < hi))) out.push(`a draw outside [${lo}, ${hi})`);
    if (new Set(xs).size < n * 0.99) out.push('draws repeat');
    return out;
  };
}

type Reduction = 'sum' | 'mean' | 'max' | 'min' | 'std' | 'var';

/** x.fn(opts) for one of the reductions (their overloads do not unite into one callable). */
function reduce(x: da.Array, fn: Reduction, o: da.MomentOptions = {}): da.Array {
  switch (fn) {
    case 'sum':
      return x.sum(o);
    case 'mean':
      return x.mean(o);
    case 'max':
      return x.max(o);
    case 'min':
      return x.min(o);
    case 'std':
      return x.std(o);
    case 'var':
      return x.var(o);
  }
}

const reductions = (['sum', 'mean', 'max', 'min', 'std', 'var'] as const).flatMap((fn): C[] => [
  { id: `array.${fn}`, api: [`Array.${fn}`, 'Array.compute'], py: np(`A.${fn}()`), ts: (c) => reduce(c.a, fn) },
  { id: `array.${fn}.axis0`, api: [`Array.${fn}`], py: np(`A.${fn}(axis=0)`), ts: (c) => reduce(c.a, fn, { axis: 0 }) },
  { id: `array.${fn}.axis-last`, api: [`Array.${fn}`], py: np(`A.${fn}(axis=-1)`), ts: (c) => reduce(c.a, fn, { axis: -1 }) },
  { id: `array.${fn}.all-axes`, api: [`Array.${fn}`], py: np(`A.${fn}(axis=(0, 1))`), ts: (c) => reduce(c.a, fn, { axis: [0, 1] }) },
  { id: `array.${fn}.keepdims`, api: [`Array.${fn}`], py: np(`A.${fn}(axis=1, keepdims=True)`), ts: (c) => reduce(c.a, fn, { axis: 1, keepdims: true }) },
  { id: `array.${fn}.nan-inf`, api: [`Array.${fn}`], py: np(`N.${fn}(axis=0)`), ts: (c) => reduce(c.n, fn, { axis: 0 }) },
  { id: `array.${fn}.vector`, api: [`Array.${fn}`], py: np(`V.${fn}()`), ts: (c) => reduce(c.v, fn) },
]);

const elementwise = (['add', 'sub', 'mul', 'div', 'pow'] as const).flatMap((op): C[] => {
  const py = { add: '+', sub: '-', mul: '*', div: '/', pow: '**' }[op];
  return [
    { id: `array.${op}.array`, api: [`Array.${op}`], py: np(`A ${py} A.T.T`), ts: (c) => c.a[op](c.a.rechunk([8, 17])) },
    { id: `array.${op}.broadcast`, api: [`Array.${op}`], py: np(`A ${py} V`), ts: (c) => c.a[op](c.v) },
    { id: `array.${op}.scalar`, api: [`Array.${op}`], py: np(`N ${py} 1.5`), ts: (c) => c.n[op](1.5) },
    { id: `array.${op}.zero-d`, api: [`Array.${op}`], py: np(`A ${py} A.mean()`), ts: (c) => c.a[op](c.a.mean()) },
  ];
});

export const arrayCases: readonly C[] = [
  { id: 'array.fromArray', api: ['da.fromArray', 'Array.compute'], py: np('A'), ts: (c) => c.a },
  {
    id: 'array.fromArray.nested',
    api: ['da.fromArray'],
    py: np('np.array([[1.5, -0.0], [3, 4], [5, 6]])'),
    ts: () =>
      da.fromArray(
        [
          [1.5, -0],
          [3, 4],
          [5, 6],
        ],
        { chunks: [2, 1] },
      ),
  },
  { id: 'array.ones', api: ['da.ones'], py: np('np.ones((7, 4))'), ts: () => da.ones([7, 4], { chunks: [3, 3] }) },
  { id: 'array.zeros', api: ['da.zeros'], py: np('np.zeros((5,))'), ts: () => da.zeros([5], { chunks: 2 }) },
  // Issue #10 item 15: a reduction over every axis computes to a number, as NumPy's and Dask's.
  { id: 'array.ones.sum-is-a-number', api: ['da.ones', 'Array.sum'], py: np('np.ones((15, 15)).sum()'), ts: () => da.ones([15, 15], { chunks: [5, 5] }).sum() },
  { id: 'array.sum.empty', api: ['Array.sum'], py: np('np.zeros((0, 4)).sum()'), ts: () => da.zeros([0, 4]).sum() },
  { id: 'array.sum.empty-axis0', api: ['Array.sum'], py: np('np.zeros((0, 4)).sum(axis=0)'), ts: () => da.zeros([0, 4]).sum({ axis: 0 }) },
  { id: 'array.max.empty', api: ['Array.max'], py: np('np.zeros((0, 4)).max()'), ts: () => da.zeros([0, 4]).max() },
  ...reductions,
  { id: 'array.std.ddof1', api: ['Array.std'], py: np('A.std(ddof=1)'), ts: (c) => c.a.std({ ddof: 1 }) },
  { id: 'array.var.ddof1-axis0', api: ['Array.var'], py: np('A.var(axis=0, ddof=1)'), ts: (c) => c.a.var({ axis: 0, ddof: 1 }) },
  ...elementwise,
  { id: 'array.T', api: ['Array.T'], py: np('A.T'), ts: (c) => c.a.T },
  { id: 'array.T.then-sum', api: ['Array.T', 'Array.sum'], py: np('A.T.sum(axis=1)'), ts: (c) => c.a.T.sum({ axis: 1 }) },
  { id: 'array.dot.matrix', api: ['Array.dot'], py: np('A.dot(A.T)'), ts: (c) => c.a.dot(c.a.T) },
  { id: 'array.dot.matrix-vector', api: ['Array.dot'], py: np('A.dot(V)'), ts: (c) => c.a.dot(c.v) },
  { id: 'array.dot.vector-matrix', api: ['Array.dot'], py: np('W.dot(A)'), ts: (c) => c.w.dot(c.a) },
  { id: 'array.dot.vector-vector', api: ['Array.dot'], py: np('V.dot(V)'), ts: (c) => c.v.dot(c.v) },
  { id: 'array.dot.nan-inf', api: ['Array.dot'], py: np('N.dot(N.T)'), ts: (c) => c.n.dot(c.n.T) },
  { id: 'array.rechunk', api: ['Array.rechunk'], py: np('A'), ts: (c) => c.a.rechunk([[1, 22], 5]) },
  { id: 'array.rechunk.then-mean', api: ['Array.rechunk', 'Array.mean'], py: np('A.mean(axis=0)'), ts: (c) => c.a.rechunk([3, 17]).mean({ axis: 0 }) },
  {
    id: 'array.random.normal',
    api: ['da.random.normal'],
    py: 'None',
    ts: () => da.random.normal(5, 2, { size: [300, 40], chunks: [70, 15], seed: 11 }),
    check: drawsCheck(5, 2),
  },
  {
    id: 'array.random.random',
    api: ['da.random.random'],
    py: 'None',
    ts: () => da.random.random({ size: [4000], chunks: 900, seed: 12 }),
    check: drawsCheck(0.5, Math.sqrt(1 / 12), 0, 1),
  },
  {
    id: 'array.random.same-everywhere',
    api: ['da.random.normal', 'da.random.random'],
    // The same seed and chunks give the same values on every scheduler (and computed twice).
    py: 'True',
    ts: async (_c, o: { scheduler: Local }) => {
      const x = da.random.normal(0, 1, { size: [50, 30], chunks: [20, 7], seed: 5 });
      const [here, again, there] = [await x.compute(o), await x.compute(o), (await compute(x, { scheduler: 'sync' }))[0]];
      return [here, again, there].every((r) => r.data.every((v, i) => Object.is(v, there.data[i])));
    },
  },
];
