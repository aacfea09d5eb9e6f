/**
 * A result too large for the caller's heap as a danfo object is a clear error naming the ways
 * out (toCsv, persist, computeFrame), not a dead process; computeFrame brings it back columnar.
 */
import t from 'tap';
import { getHeapStatistics } from 'node:v8';
import * as dd from '../../src/dataframe/index.js';

t.test('a result danfo cannot hold is a RangeError suggesting toCsv/persist; computeFrame returns it columnar', async (t) => {
  // Enough cells that danfo would need more than the whole heap: columns share one buffer, so
  // the frame itself costs 8 bytes per row.
  const rows = 1_000_000;
  const cols = Math.ceil(getHeapStatistics().heap_size_limit / (rows * 80)) + 1;
  const data = new Float64Array(rows);
  for (let i = 0; i < rows; i++) data[i] = i % 7;
  const names = Array.from({ length: cols }, (_, j) => `c${j}`);
  const frame = new dd.Frame(
    names,
    names.map(() => ({ dtype: 'float64' as const, data })),
    rows,
  );
  const ddf = dd.fromFrames([frame]);
  await t.rejects(ddf.compute({ scheduler: 'sync' }), { name: 'RangeError', message: /too large to become a danfo object.*toCsv.*persist.*computeFrame/s });
  const back = await ddf.computeFrame({ scheduler: 'sync' });
  t.equal(back.length, rows);
  t.same(back.names, names);
  let sum = 0;
  const c = back.col('c3').data;
  for (let i = 0; i < rows; i++) sum += c[i];
  let want = 0;
  for (let i = 0; i < rows; i++) want += i % 7;
  t.equal(sum, want, 'the columnar result holds the values');
  const small = await dd.fromFrames([dd.Frame.fromColumns({ a: [1, 2, 3] })]).compute({ scheduler: 'sync' });
  t.same(small.shape, [3, 1], 'small results still come back as danfo frames');
});
