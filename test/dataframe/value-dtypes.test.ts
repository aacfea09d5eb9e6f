/**
 * Dtypes pandas picks from the values (column/meta-facts.ts): a dt field of dates with a missing
 * value is float64 in pandas, int64 without one. Partitions must agree on one dtype when the
 * meta knows missing values are there, and the result must be pandas' dtype either way. Also:
 * an empty partition converted to danfo keeps its dtypes. Expected dtypes and texts follow
 * pandas' rules (NaN makes an int result float64; a float64 year prints as '2010.0'), written
 * here from the rows the test wrote, never from tsdask's output.
 */
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compute, shutdownSchedulers } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';

t.teardown(shutdownSchedulers);

const dir = mkdtempSync(join(tmpdir(), 'tsdask-value-dtypes-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
// The sampled (first) file has a missing date; the second has none; the third is empty.
const withGap = write('a.csv', 'd,n\n2010-03-04 05:06:07,1\n,2\n2011-12-31 23:00:00,3\n');
const complete = write('b.csv', 'd,n\n2012-01-02 03:04:05,4\n2013-06-07 08:09:10,5\n');
const empty = write('c.csv', 'd,n\n');

t.test('a field of dates the sample saw missing: float64 declared and in every partition', async (t) => {
  const ddf = dd.readCsv([withGap, complete, empty], { parseDates: ['d'] });
  const year = ddf.col('d').dt.year();
  t.equal(year.dtype, 'float64', 'declared float64 (pandas: the column holds NaN)');
  for (let i = 0; i < ddf.npartitions; i++) {
    const part = await year.partitions(i).computeFrame({ scheduler: 'sync' });
    t.equal(part.dtypes[0], 'float64', `partition ${i} is float64, with or without a missing date`);
  }
  const text = await year.astype('string').computeFrame({ scheduler: 'sync' });
  t.same(text.values('d'), ['2010.0', null, '2011.0', '2012.0', '2013.0'], "every year's text is a float's, as pandas' astype(str)");
  const len = await ddf.col('d').dt.hour().add(ddf.col('n')).computeFrame({ scheduler: 'sync' });
  t.equal(len.dtypes[0], 'float64', 'a field plus an int column stays float64');
});

t.test('dates known to have no missing value keep int64 fields', async (t) => {
  const ddf = dd.readCsv([withGap, complete], { parseDates: ['d'] });
  for (const [what, s] of [
    ['dropna', ddf.col('d').dropna()],
    ['filter by notna', ddf.col('d').filter(ddf.col('d').notna())],
    ['fillna', ddf.col('d').fillna(new Date(Date.UTC(2000, 0, 1)))],
  ] as const) {
    const month = s.dt.month();
    t.equal(month.dtype, 'int64', `${what}: declared int64`);
    const f = await month.computeFrame({ scheduler: 'sync' });
    t.equal(f.dtypes[0], 'int64', `${what}: computed int64`);
  }
});

t.test('where nothing is known, the result still has the dtype of its values', async (t) => {
  // The sample (first file) has no missing date; the second file has one.
  const ddf = dd.readCsv([complete, withGap], { parseDates: ['d'] });
  const day = ddf.col('d').dt.day();
  t.equal(day.dtype, 'int64', 'declared int64: the sample showed no missing date');
  const f = await day.computeFrame({ scheduler: 'sync' });
  t.equal(f.dtypes[0], 'float64', 'computed float64: a missing date is NaN');
  t.same(f.values('d'), [2, 7, 4, NaN, 31]);
  const clean = await ddf.col('d').partitions(0).dt.day().computeFrame({ scheduler: 'sync' });
  t.equal(clean.dtypes[0], 'int64', 'the file without a missing date alone stays int64');
});

t.test('% by zero is float64; by a divisor without zeros int64', async (t) => {
  const ddf = dd.readCsv([write('z.csv', 'a,b\n7,0\n8,3\n'), write('y.csv', 'a,b\n9,2\n')]);
  const byB = ddf.col('a').mod(ddf.col('b'));
  t.equal(byB.dtype, 'float64', 'the sample saw b = 0: float64');
  for (let i = 0; i < ddf.npartitions; i++) t.equal((await byB.partitions(i).computeFrame({ scheduler: 'sync' })).dtypes[0], 'float64', `partition ${i}`);
  t.equal(ddf.col('a').mod(0).dtype, 'float64', '% 0 declared float64');
  t.equal(ddf.col('a').mod(ddf.col('b').add(1)).dtype, 'int64', '% (b + 1) declared int64');
  t.same((await ddf.col('a').mod(ddf.col('b').add(1)).computeFrame({ scheduler: 'sync' })).values('a'), [0, 0, 0]);
});

// In this process (test/differential's df.toDelayed case runs it on every scheduler, through the codec too).
t.test('toDelayed: an empty partition keeps its dtypes through danfo', async (t) => {
  const ddf = dd.readCsv([write('e.csv', 'k,i,f,b\n'), write('r.csv', 'k,i,f,b\nx,1,1.5,True\n')], {
    dtype: { k: 'string', i: 'int64', f: 'float64', b: 'bool' },
  });
  const [parts] = await compute(ddf.toDelayed(), { scheduler: 'sync' });
  t.equal(parts[0].shape[0], 0, 'the first part is empty');
  t.same(dd.frameFromDanfo(parts[0]).dtypes, ['string', 'int64', 'float64', 'bool'], 'read back with its dtypes');
  const [series] = await compute(ddf.col('i').toDelayed(), { scheduler: 'sync' });
  t.same(dd.frameFromDanfo(series[0]).dtypes, ['int64'], 'an empty series part too');
  t.same(dd.concat(parts.map((p) => dd.fromDanfo(p))).dtypes, { k: 'string', i: 'int64', f: 'float64', b: 'bool' }, 'concatenated: int64 stays int64');
});
