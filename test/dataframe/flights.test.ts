/**
 * The seed's NYC-flights exercise on generated data: the dtype trap, the fix with dtype and
 * parseDates, then len / head / tail / sample / iloc / partitions as the exercise uses them.
 */
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFlights, FLIGHT_COLUMNS } from '../../examples/data/generate.js';
import * as dd from '../../src/dataframe/index.js';
import { compute, shutdownSchedulers } from '../../src/index.js';
import { SCHEDULERS } from '../helpers/schedulers.js';

t.teardown(shutdownSchedulers);

const tmp = mkdtempSync(join(tmpdir(), 'tsdask-flights-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
const dir = join(tmp, 'nycflights');
generateFlights(dir, { rowsPerFile: 6000, emptyTailNumRows: 5000, seed: 3 });
const glob = join(dir, '*.csv');
const sync = { scheduler: 'sync' } as const;

t.test('inferred dtypes go wrong exactly like the seed, and the error says how to fix it', async (t) => {
  const ddf = dd.readCsv(glob);
  t.equal(ddf.npartitions, 10);
  t.same(ddf.columns, FLIGHT_COLUMNS);
  t.equal(ddf.dtypes.TailNum, 'float64', 'all-empty in the sample');
  t.equal(ddf.dtypes.CRSElapsedTime, 'int64', 'no missing value in the sample');
  t.match(String(ddf), /npartitions=10[\s\S]*TailNum\s+float64[\s\S]*Tasks: 10 \(read-csv\)/);
  const err = await ddf.length(sync).then(
    () => null,
    (e: Error) => e,
  );
  t.ok(err);
  t.match(err!.message, /values in .*1990\.csv do not match the column dtypes/);
  t.match(err!.message, /column 'TailNum' \(float64, inferred from the first [\d,]+ rows of .*1990\.csv.*\): line 5002 has 'N\d+\w+'/);
  t.match(err!.message, /column 'CRSElapsedTime' \(int64.*line \d+ has an empty \(missing\) value/);
  t.match(err!.message, /dtype: \{ TailNum: 'string', CRSElapsedTime: 'float64' \}/);
});

t.test('with dtype and parseDates the seed exercise works', async (t) => {
  const ddf = dd.readCsv(glob, { parseDates: { Date: [0, 1, 2] }, dtype: { CRSElapsedTime: 'float64', TailNum: 'object' } });
  t.same(ddf.columns.slice(0, 2), ['Date', 'DayOfWeek']);
  t.equal(ddf.dtypes.Date, 'datetime');
  t.equal(ddf.dtypes.TailNum, 'object', "dtype: 'object' is reported as given");
  t.equal(await ddf.length(sync), 60000);
  const tail = await ddf.tail(5, sync);
  t.equal(tail.shape[0], 5);
  t.same(tail.column('Date').values[4], new Date(Date.UTC(1999, 11, 31)));
  const head = await ddf.head(5, sync);
  t.same(head.column('Date').values[0], new Date(Date.UTC(1990, 0, 1)));
  const smp = await ddf.select(['CRSElapsedTime', 'TailNum']).sample({ frac: 0.001, randomState: 1 }).compute(sync);
  t.same(smp.columns, ['CRSElapsedTime', 'TailNum']);
  t.equal(smp.shape[0], 60, 'round(0.001 * 6000) = 6 rows from each of 10 partitions');
  const cols = await ddf.iloc(null, [1, 3]).head(3, sync);
  t.same(cols.columns, ['DayOfWeek', 'CRSDepTime']);
  t.throws(() => ddf.iloc([1, 3] as never), /selecting rows by position is not supported/);
  const p1 = ddf.partitions(1);
  t.equal(p1.npartitions, 1);
  const p1df = await p1.compute(sync);
  t.equal(p1df.shape[0], 6000);
  t.same(p1df.column('Date').values[0], new Date(Date.UTC(1991, 0, 1)));
  const tailNum = await ddf.col('TailNum').compute(sync);
  t.equal(tailNum.shape[0], 60000);
  const below = ddf.loc(ddf.col('ArrTime').lt(ddf.col('ArrTime').mean()));
  const n = await below.length(sync);
  t.ok(n > 0 && n < 60000);
  t.equal(await ddf.col('Date').dt.year().max().compute(sync), 1999);
});

for (const scheduler of SCHEDULERS.filter((s) => s !== 'sync')) {
  t.test(`the same answers on ${scheduler}`, async (t) => {
    const ddf = dd.readCsv(glob, { parseDates: { Date: [0, 1, 2] }, dtype: { CRSElapsedTime: 'float64', TailNum: 'object' } });
    const lazy = [ddf.lengthLazy(), ddf.col('DepDelay').max(), ddf.count(), ddf.col('DayOfWeek').eq(1).sum()];
    const want = await compute(...lazy, sync);
    const got = await compute(...lazy, { scheduler });
    t.same(got[0], want[0]);
    t.same(got[1], want[1]);
    t.same((got[2] as { values: unknown[] }).values, (want[2] as { values: unknown[] }).values);
    t.same(got[3], want[3]);
    await t.rejects(dd.readCsv(glob).length({ scheduler }), /TailNum/, 'the dtype error crosses the executor boundary intact');
  });
}
