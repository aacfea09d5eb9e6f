/**
 * The isin kernels on every numeric dtype (ints, floats with missing, bools, datetimes) and on
 * strings, against membership computed here by plain comparison; and isin against a series'
 * values frame, whose index is shared by the partitions that test it.
 */
import t from 'tap';
import { type Cell, Frame } from '../../src/dataframe/frame.js';
import { isin } from '../../src/dataframe/ops/isin.js';
import { isinValues } from '../../src/dataframe/ops/unique.js';

const bools = (f: Frame): number[] => Array.from(f.series.data);

t.test('int64 against numbers, a string and a boolean', async (t) => {
  const x = [0, 5, -3, 7, 1, 5, 2 ** 40, -0];
  const part = Frame.fromColumns({ x }, { x: 'int64' });
  const values: Cell[] = [5, 2 ** 40, '7', true, 0];
  // 1 matches true (pandas compares True == 1); '7' never matches a number; -0 equals 0.
  t.same(bools(isin(part, values)), [1, 1, 0, 0, 1, 1, 1, 1]);
});

t.test('float64 with missing: missing rows match only a null in the values', async (t) => {
  const x: Cell[] = [1.5, null, 2.25, -1, null, 1e300];
  const part = Frame.fromColumns({ x }, { x: 'float64' });
  t.same(bools(isin(part, [2.25, 1e300])), [0, 0, 1, 0, 0, 1]);
  t.same(bools(isin(part, [null, -1])), [0, 1, 0, 1, 1, 0]);
});

t.test('bool and datetime columns', async (t) => {
  const b = Frame.fromColumns({ b: [true, false, null, true] }, { b: 'bool' });
  t.same(bools(isin(b, [true])), [1, 0, 0, 1]);
  t.same(bools(isin(b, [false, null])), [0, 1, 1, 0]);
  const when = ['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z'].map((s) => new Date(s));
  const d = Frame.fromColumns({ d: when }, { d: 'datetime' });
  t.same(bools(isin(d, ['2024-02-01T00:00:00Z', new Date('2024-03-01T00:00:00Z')])), [0, 1, 1]);
});

t.test('isin against a values frame: ints and strings, one index for several partitions', async (t) => {
  const values = Frame.fromColumns({ v: [10, 20, 30, 1e9] }, { v: 'int64' });
  const p1 = Frame.fromColumns({ x: [10, 11, 1e9] }, { x: 'int64' });
  const p2 = Frame.fromColumns({ x: [30, 31, 20, 20] }, { x: 'int64' });
  t.same(bools(isinValues(p1, values)), [1, 0, 1]);
  t.same(bools(isinValues(p2, values)), [1, 0, 1, 1]);
  const sv = Frame.fromColumns({ v: ['a', 'c', null] }, { v: 'string' });
  const s1 = Frame.fromColumns({ x: ['c', 'b', null, 'a'] }, { x: 'string' });
  t.same(bools(isinValues(s1, sv)), [1, 0, 1, 1]);
  // Strings never match numbers.
  t.same(bools(isinValues(s1, values)), [0, 0, 0, 0]);
});
