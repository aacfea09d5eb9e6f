import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFlights, generateStackLite } from '../../examples/data/generate.js';
import * as dd from '../../src/dataframe/index.js';

const sync = { scheduler: 'sync' } as const;

t.test('StackLite-like files: the seed schemas, NA for missing, deterministic per seed', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'tsdask-gen-'));
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  const a = generateStackLite(join(base, 'a'), { questions: 3000, seed: 9 });
  const b = generateStackLite(join(base, 'b'), { questions: 3000, seed: 9 });
  const c = generateStackLite(join(base, 'c'), { questions: 3000, seed: 10 });
  t.equal(readFileSync(a.files[0], 'utf8'), readFileSync(b.files[0], 'utf8'), 'same seed, same bytes');
  t.not(readFileSync(a.files[1], 'utf8'), readFileSync(c.files[1], 'utf8'));
  const q = dd.readCsv(a.files[0]);
  t.same(q.columns, ['Id', 'CreationDate', 'ClosedDate', 'DeletionDate', 'Score', 'OwnerUserId', 'AnswerCount']);
  t.same(q.dtypes, {
    Id: 'int64',
    CreationDate: 'string',
    ClosedDate: 'string',
    DeletionDate: 'string',
    Score: 'int64',
    OwnerUserId: 'float64',
    AnswerCount: 'float64',
  });
  const counts = (await q.count().compute(sync)).values as number[];
  t.equal(counts[0], 3000);
  t.ok(counts[2] > 100 && counts[2] < 600, `some questions closed (${counts[2]})`);
  t.ok(counts[5] < 3000 && counts[5] > 2800, 'a few owners missing');
  const tags = dd.readCsv(a.files[1]);
  t.same(tags.columns, ['Id', 'Tag']);
  const perQuestion = a.rows[1] / a.rows[0];
  t.ok(perQuestion > 2.2 && perQuestion < 3.2, `about 2.7 tags per question (${perQuestion.toFixed(2)})`);
  t.equal(await tags.col('Id').isin(q.col('Id')).all().compute(sync), true, 'tags refer to existing questions');
  t.equal(await q.col('Id').isin(tags.col('Id')).all().compute(sync), false, 'some questions have no tag');
});

t.test('flights folder: ten yearly files with the classic columns', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'tsdask-gen-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const dir = join(tmp, 'nycflights');
  const g = generateFlights(dir, { rowsPerFile: 200, emptyTailNumRows: 50 });
  t.same(
    g.files.map((f) => f.split('/').pop()),
    ['1990.csv', '1991.csv', '1992.csv', '1993.csv', '1994.csv', '1995.csv', '1996.csv', '1997.csv', '1998.csv', '1999.csv'],
  );
  const text = readFileSync(g.files[0], 'utf8').split('\n');
  t.match(
    text[0],
    /^Year,Month,DayofMonth,DayOfWeek,DepTime,CRSDepTime,ArrTime,CRSArrTime,UniqueCarrier,FlightNum,TailNum,ActualElapsedTime,CRSElapsedTime,AirTime,ArrDelay,DepDelay,Origin,Dest,Distance,TaxiIn,TaxiOut,Cancelled,Diverted$/,
  );
  t.equal(text[1].split(',')[10], '', 'TailNum empty at the top');
  t.match(text[100].split(',')[10], /^N\d{3}[A-Z]{2}$/, 'and set further down');
});
