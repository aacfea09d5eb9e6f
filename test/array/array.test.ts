import t from 'tap';
import { compute, shutdownSchedulers } from '../../src/index.js';
import { COLLECTION, materialize } from '../../src/core/collection.js';
import { encode } from '../../src/core/serialize.js';
import * as da from '../../src/array/index.js';
import { SCHEDULERS } from '../helpers/schedulers.js';

t.teardown(shutdownSchedulers);

const arr = (xs: Iterable<number>) => Array.from(xs);
/** 0..n-1 as a Float64Array. */
const iota = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

t.test('structure: shapes, chunks, keys, errors', async (t) => {
  const x = da.ones([15, 15], { chunks: [5, 5] });
  t.equal(x[COLLECTION].defaultScheduler, 'threads', 'arrays default to threads, as in Dask');
  t.same(x.chunks, [
    [5, 5, 5],
    [5, 5, 5],
  ]);
  t.same(x.numblocks, [3, 3]);
  t.equal(x.ndim, 2);
  t.equal(x.size, 225);
  t.equal(String(x), 'tsdask.Array<shape=(15, 15), chunks=(5, 5), blocks=9, dtype=float64, tasks=9>');
  t.same(da.ones([10, 7], { chunks: [4, -1] }).chunks, [[4, 4, 2], [7]]);
  t.same(da.ones([6], { chunks: [[1, 5]] }).chunks, [[1, 5]]);
  t.same(da.ones([3, 4]).chunks, [[3], [4]], 'auto: small arrays are one block');
  t.same(da.ones([5000, 5000]).chunks[1], [5000], 'auto: rows stay whole');
  t.equal(x.sum().prefix, x.sum().prefix, 'reductions are tokenized');
  t.equal(materialize([x.sum({ axis: 1 }).layer]).size, 9 + 9 + 3, 'blocks, per-block partials, one aggregate per output block');
  t.same(x.T.chunks, [
    [5, 5, 5],
    [5, 5, 5],
  ]);
  t.same(da.zeros([4, 6], { chunks: [2, 3] }).T.shape, [6, 4]);
  t.throws(() => da.ones([4, 4], { chunks: [3] }), { name: 'RangeError', message: /one entry per axis/ });
  t.throws(() => da.ones([4], { chunks: [[1, 2]] }), { message: /summing to 4/ });
  t.throws(() => x.sum({ axis: 2 }), { message: /axis 2 is out of bounds/ });
  t.throws(() => x.add(da.ones([4]).rechunk([2])), { message: /do not broadcast/ });
  t.throws(() => x.dot(da.ones([4, 2])), { message: /not aligned/ });
  t.throws(() => da.fromArray(iota(5), { shape: [2, 3] }), { message: /holds 6 values, but the array has 5/ });
  t.throws(() => da.ones([0]).max(), { message: /axis of length 0/ });
  const nested = da.fromArray(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { chunks: [1, 2] },
  );
  t.same(nested.shape, [2, 3], 'nested arrays give the shape');
  t.same(arr((await nested.compute({ scheduler: 'sync' })).data), [1, 2, 3, 4, 5, 6]);
  t.throws(() => da.fromArray([[1, 2], [3]]), { name: 'RangeError', message: /ragged nested arrays: data\[1\] has length 1, expected an array of length 2/ });
  await t.rejects(x.item(), { message: /has 225 values/ });
});

t.test('blocks travel as binary frames, never JSON numbers', async (t) => {
  const block = { shape: [2, 3], data: iota(6) };
  const f = encode(block, 'block');
  t.equal(f.frames.length, 1, 'one binary frame');
  t.equal(f.frames[0].byteLength, 48);
  t.notMatch(f.header, /\b4\b.*\b5\b/, 'values are not in the header');
});

t.test('random arrays: seeded per block, reproducible, distinct blocks', async (t) => {
  const a = da.random.normal(0, 1, { size: [40, 30], chunks: [10, 30], seed: 7 });
  const b = da.random.normal(0, 1, { size: [40, 30], chunks: [10, 30], seed: 7 });
  t.equal(a.prefix, b.prefix, 'same seed: same keys');
  const va = await a.compute({ scheduler: 'sync' });
  t.same(arr(va.data), arr((await b.compute({ scheduler: 'sync' })).data));
  t.not(va.data[0], va.data[300], 'blocks draw from different streams');
  const c = da.random.normal(0, 1, { size: [40, 30], chunks: [10, 30] });
  const d = da.random.normal(0, 1, { size: [40, 30], chunks: [10, 30] });
  t.not(c.prefix, d.prefix, 'no seed: a fresh seed per array');
  t.same(arr((await c.compute({ scheduler: 'sync' })).data), arr((await c.compute({ scheduler: 'sync' })).data), 'an unseeded array is fixed once built');
  const u = await da.random.random([1000], { chunks: 100, seed: 1 }).compute({ scheduler: 'sync' });
  t.ok(
    u.data.every((v) => v >= 0 && v < 1),
    'uniform in [0, 1)',
  );
  t.ok(Math.abs(u.data.reduce((s, v) => s + v, 0) / 1000 - 0.5) < 0.05);
  const w = await da.random.uniform(-2, 3, { size: 500, chunks: 100, seed: 2 }).compute({ scheduler: 'sync' });
  t.ok(w.data.every((v) => v >= -2 && v < 3));
  t.throws(() => da.random.normal(0, -1, { size: 3 }), { message: /std >= 0/ });
});

for (const scheduler of SCHEDULERS) {
  t.test(`array on ${scheduler}`, async (t) => {
    t.test('seed: ones((15,15), chunks=(5,5)).sum() is 225; x.dot(x.T + 1)', async (t) => {
      const x = da.ones([15, 15], { chunks: [5, 5] });
      t.equal(await x.sum().item({ scheduler }), 225);
      t.equal(await x.sum().compute({ scheduler }), 225, 'a reduction over every axis computes to a number, as in NumPy and Dask');
      t.equal(await x.sum({ axis: [0, 1] }).compute({ scheduler }), 225, 'so does one naming every axis');
      const ones1 = await da
        .ones([15], { chunks: [5] })
        .sum()
        .item({ scheduler });
      t.equal(ones1, 15);
      const y = await x.dot(x.T.add(1)).compute({ scheduler });
      t.same(y.shape, [15, 15]);
      t.ok(
        y.data.every((v) => v === 30),
        'each entry: 15 products of 1 * 2',
      );
      t.same(arr((await x.sum({ axis: 0 }).compute({ scheduler })).data), new Array(15).fill(15));
    });

    t.test('hand-computed reductions over a 2x3 matrix in 1x2 blocks', async (t) => {
      // [[1, 2, 3],
      //  [4, 5, 6]]
      const m = da.fromArray([1, 2, 3, 4, 5, 6], { shape: [2, 3], chunks: [1, 2] });
      const [s, s0, s1, mean1, mx, mn, mx0] = await compute(
        m.sum(),
        m.sum({ axis: 0 }),
        m.sum({ axis: -1 }),
        m.mean({ axis: 1 }),
        m.max(),
        m.min(),
        m.max({ axis: 0 }),
        { scheduler },
      );
      t.equal(s, 21);
      t.same([s0.shape, arr(s0.data)], [[3], [5, 7, 9]]);
      t.same([s1.shape, arr(s1.data)], [[2], [6, 15]]);
      t.same(arr(mean1.data), [2, 5]);
      t.same([mx, mn], [6, 1]);
      t.same(arr(mx0.data), [4, 5, 6]);
      t.equal(await m.var().item({ scheduler }), 35 / 12, 'population variance of 1..6');
      t.equal(await m.std({ ddof: 1 }).item({ scheduler }), Math.sqrt(3.5));
      t.same(arr((await m.var({ axis: 0 }).compute({ scheduler })).data), [2.25, 2.25, 2.25]);
      const tr = await m.T.compute({ scheduler });
      t.same(
        [tr.shape, arr(tr.data)],
        [
          [3, 2],
          [1, 4, 2, 5, 3, 6],
        ],
      );
      const centered = await m.sub(m.mean({ axis: 0 })).compute({ scheduler });
      t.same(arr(centered.data), [-1.5, -1.5, -1.5, 1.5, 1.5, 1.5], 'broadcast a row over the rows');
      const shares = await m.T.div(m.sum({ axis: 1 })).T.compute({ scheduler });
      t.same(arr(shares.data), [1 / 6, 2 / 6, 3 / 6, 4 / 15, 5 / 15, 6 / 15], 'each row over its sum (trailing-axis broadcast)');
      const mv = await m.dot(da.fromArray([1, 0, -1], { chunks: 2 })).compute({ scheduler });
      t.same([mv.shape, arr(mv.data)], [[2], [-2, -2]], 'matrix times vector');
      const mm = await m.dot(m.T).compute({ scheduler });
      t.same(
        [mm.shape, arr(mm.data)],
        [
          [2, 2],
          [14, 32, 32, 77],
        ],
      );
      const sq = await m.pow(2).sub(m.mul(m)).max().item({ scheduler });
      t.equal(sq, 0);
      t.equal(await m.neg().add(10).min().item({ scheduler }), 4);
      t.same(arr((await m.maximum(3.5).compute({ scheduler })).data), [3.5, 3.5, 3.5, 4, 5, 6]);
      t.same(arr((await m.sub(m.mean()).compute({ scheduler })).data), [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], 'a 0-d array broadcasts');
      const rowMeans = m.mean({ axis: 1, keepdims: true });
      t.same(
        [rowMeans.shape, rowMeans.chunks],
        [
          [2, 1],
          [[1, 1], [1]],
        ],
      );
      t.same(arr((await m.sub(rowMeans).compute({ scheduler })).data), [-1, 0, 1, -1, 0, 1], 'keepdims: row means broadcast over columns');
      t.same((await m.sum({ keepdims: true }).compute({ scheduler })).shape, [1, 1]);
    });

    t.test('3-d: sums over axis pairs, transpose, rechunk against a direct loop', async (t) => {
      const shape: [number, number, number] = [4, 3, 5];
      const v = iota(60);
      const x = da.fromArray(v, { shape, chunks: [3, 2, 2] });
      const at = (i: number, j: number, k: number) => v[i * 15 + j * 5 + k];
      const want02 = [0, 1, 2].map((j) => {
        let s = 0;
        for (let i = 0; i < 4; i++) for (let k = 0; k < 5; k++) s += at(i, j, k);
        return s;
      });
      const s02 = await x.sum({ axis: [0, 2], splitEvery: 2 }).compute({ scheduler });
      t.same([s02.shape, arr(s02.data)], [[3], want02]);
      const t3 = await x.transpose([2, 0, 1]).compute({ scheduler });
      t.same(t3.shape, [5, 4, 3]);
      t.equal(t3.data[2 * 12 + 3 * 3 + 1], at(3, 1, 2));
      const r = await x.rechunk([1, 3, [2, 3]]).compute({ scheduler });
      t.same(arr(r.data), arr(v), 'rechunk keeps values');
      t.same(x.rechunk([1, 3, [2, 3]]).chunks, [[1, 1, 1, 1], [3], [2, 3]]);
      const back = await x.rechunk(2).add(x).compute({ scheduler });
      t.same(
        arr(back.data),
        arr(v).map((a) => 2 * a),
        'operands with different chunks line up',
      );
      const max1 = await x.max({ axis: 1 }).compute({ scheduler });
      t.same(max1.shape, [4, 5]);
      t.equal(max1.data[7], at(1, 2, 2));
    });

    t.test('persist and toDelayed', async (t) => {
      const x = await da
        .fromArray(iota(6), { shape: [2, 3], chunks: [1, 3] })
        .mul(2)
        .persist({ scheduler });
      t.equal(await x.sum().item({ scheduler }), 30, 'a persisted array computes from its blocks');
      const [blocks] = await compute(x.toDelayed(), { scheduler });
      t.same(
        blocks.map((b) => [b.shape, arr(b.data)]),
        [
          [
            [1, 3],
            [0, 2, 4],
          ],
          [
            [1, 3],
            [6, 8, 10],
          ],
        ],
      );
    });

    t.test('NaN propagates through max/min and sums', async (t) => {
      const x = da.fromArray([1, NaN, 3, 4], { chunks: 2 });
      t.ok(Number.isNaN(await x.max().item({ scheduler })));
      t.ok(Number.isNaN(await x.min().item({ scheduler })));
      t.ok(Number.isNaN(await x.sum().item({ scheduler })));
      t.same(arr((await x.maximum(da.fromArray([0, 0, 5, 0], { chunks: 2 })).compute({ scheduler })).data), [1, NaN, 5, 4]);
    });

    t.test('seed: row means of a random normal matrix are close to 0', async (t) => {
      const x = da.random.normal(0, 1, { size: [400, 2000], chunks: [100, 2000], seed: 3 });
      const rs = await da.mean(x, { axis: 1 }).compute({ scheduler });
      t.same(rs.shape, [400]);
      const bound = 5 / Math.sqrt(2000);
      t.ok(
        rs.data.every((m) => Math.abs(m) < bound),
        `every row mean within ${bound.toFixed(3)} of 0`,
      );
      const [m, s] = await compute(x.mean(), x.std(), { scheduler });
      t.ok(Math.abs(m) < 0.01);
      t.ok(Math.abs(s - 1) < 0.01);
      // Same values whichever scheduler computes them.
      const here = await x.sum({ axis: 0 }).compute({ scheduler });
      const there = await x.sum({ axis: 0 }).compute({ scheduler: 'sync' });
      t.same(arr(here.data), arr(there.data));
    });

    t.test('seed: fromArray with row chunks, then mean over axis 1', async (t) => {
      const rows = 40;
      const cols = 25;
      const v = Float64Array.from({ length: rows * cols }, (_, i) => (i % cols) - 12);
      const dx = da.fromArray(v, { shape: [rows, cols], chunks: [10, cols] });
      const rs = await dx.mean({ axis: 1 }).compute({ scheduler });
      t.same(arr(rs.data), new Array(rows).fill(0));
      const whole = await dx.compute({ scheduler });
      t.same(arr(whole.data), arr(v));
    });

    if (scheduler === 'threads') {
      t.test('threads share block memory instead of copying', async (t) => {
        const one = await da.ones([1000], { chunks: -1 }).compute({ scheduler });
        t.ok(one.data.buffer instanceof SharedArrayBuffer, 'the block made on a worker thread is the one returned');
      });
    }
  });
}
