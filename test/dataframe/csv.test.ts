import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import * as dd from '../../src/dataframe/index.js';
import { parseNumber, parseRows } from '../../src/dataframe/io/csv/parser.js';
import { readBlock } from '../../src/dataframe/io/csv/block.js';
import { readTuning } from '../../src/dataframe/io/csv/options.js';
import { CsvError } from '../../src/dataframe/io/csv/errors.js';
import { materialize } from '../../src/core/collection.js';
import type { Task } from '../../src/core/graph.js';
import { deferredStringColumn, Frame, missingCodes, stringBytesOf } from '../../src/dataframe/frame.js';
import { isna } from '../../src/dataframe/ops/missing.js';
import { decode, encode } from '../../src/core/serialize.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-csv-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const sync = { scheduler: 'sync' } as const;

t.test('numbers parse exactly from bytes', async (t) => {
  for (const s of ['0', '-0', '12', '-3.25', '1e3', '2.5E-3', '0.1', '123456789012345678', '3.141592653589793238', '1e300', '-1.7976931348623157e308', ' 7 ']) {
    const b = Buffer.from(s);
    t.equal(parseNumber(b, 0, b.length), Number(s), s);
  }
  for (const s of ['', 'x', '1.2.3', '1e', '--1', 'NA']) {
    const b = Buffer.from(s);
    t.ok(Number.isNaN(parseNumber(b, 0, b.length)), `'${s}' is not a number`);
  }
});

t.test('decimals read by the generated row loop equal Number(text), up to 15 digits and past them', async (t) => {
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const texts: string[] = ['0.1', '0.3', '-0.0', '5.', '.5', '-.25', '999999999999999.', '99999999999999.9', '9999999999999.99', '0.000000000000001'];
  for (let k = 0; k < 3000; k++) {
    const intDigits = Math.floor(rnd() * 10);
    const fracDigits = Math.floor(rnd() * 10);
    let x = rnd() < 0.3 ? '-' : '';
    for (let d = 0; d < intDigits; d++) x += String(Math.floor(rnd() * 10));
    x += '.';
    for (let d = 0; d < fracDigits; d++) x += String(Math.floor(rnd() * 10));
    if (/\d/.test(x)) texts.push(x);
  }
  const p = file('decimals.csv', `k,v\n${texts.map((x, i) => `${i},${x}`).join('\n')}\n`);
  const df = await dd.readCsv(p, { dtype: { v: 'float64' } }).compute(sync);
  const got = df.column('v').values as number[];
  const bad = texts.filter((x, i) => !Object.is(got[i], Number(x)));
  t.same(bad, [], 'every decimal equals Number(text), sign of zero included');
});

t.test('quoted fields hold separators, newlines and doubled quotes; CRLF; blank lines', async (t) => {
  const p = file('quoted.csv', 'id,text,x\r\n1,"a,b",1.5\r\n2,"line1\nline2",\r\n\r\n3,"say ""hi""",2\r\n4,,3\r\n');
  const df = await dd.readCsv(p).compute(sync);
  t.same(df.column('id').values, [1, 2, 3, 4]);
  t.same(df.column('text').values, ['a,b', 'line1\nline2', 'say "hi"', null]);
  t.same(df.column('x').values, [1.5, NaN, 2, 3]);
});

t.test('ragged rows and bad quoting are errors with file and line', async (t) => {
  const p = file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
  await t.rejects(async () => dd.readCsv(p).compute(sync), {
    name: 'CsvError',
    message: new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 3 has 2 fields, expected 3`),
    line: 3,
  });
  const q = file('quote.csv', 'a,b\n1,"x"y\n');
  await t.rejects(async () => dd.readCsv(q).compute(sync), /bad quoting in .*quote\.csv at line 2/);
  const u = file('unterminated.csv', 'a,b\n1,"x\n2,3\n');
  await t.rejects(async () => dd.readCsv(u).compute(sync), /unterminated quoted field in .*unterminated\.csv at line 2/);
});

t.test('inference from a sample; later mismatches name file, line, column, value and the dtype fix', async (t) => {
  const rows = ['Year,TailNum,CRSElapsedTime,Dest'];
  for (let i = 0; i < 400; i++) rows.push(`1990,,${100 + i},JFK`);
  rows.push('1990,N123AA,,EWR');
  for (let i = 0; i < 10; i++) rows.push(`1990,N9${i},90,LGA`);
  const p = file('flights.csv', rows.join('\n') + '\n');
  const bad = dd.readCsv(p, { sampleBytes: 2000 });
  t.same(bad.dtypes, { Year: 'int64', TailNum: 'float64', CRSElapsedTime: 'int64', Dest: 'string' });
  const err = await bad.compute(sync).then(
    () => null,
    (e: Error) => e,
  );
  t.ok(err, 'reading fails');
  const msg = err!.message;
  t.match(msg, /flights\.csv/);
  t.match(msg, /column 'TailNum' \(float64, inferred from the first \d+ rows of .*flights\.csv/);
  t.match(msg, /line 402 has 'N123AA'/);
  t.match(msg, /column 'CRSElapsedTime' \(int64.*line 402 has an empty \(missing\) value; int columns cannot hold missing values/);
  t.match(msg, /dtype: \{ TailNum: 'string', CRSElapsedTime: 'float64' \}/);
  const good = dd.readCsv(p, { sampleBytes: 2000, dtype: { TailNum: 'object', CRSElapsedTime: 'float64' } });
  t.same(good.dtypes.TailNum, 'object', "dtype: 'object' is reported as given (stored as text)");
  t.equal(await good.length(sync), 411);
  t.equal(await good.col('TailNum').count().compute(sync), 11);
  const assumed = dd.readCsv(p, { sampleBytes: 2000, assumeMissing: true, dtype: { TailNum: 'string' } });
  t.same(assumed.dtypes.CRSElapsedTime, 'float64');
  t.equal(await assumed.col('CRSElapsedTime').count().compute(sync), 410);
});

t.test('parseDates: columns, and joining Year/Month/Day into one column placed first', async (t) => {
  const p = file('dates.csv', 'Year,Month,Day,When,v\n1990,1,2,2016-03-04 05:06:07,1\n1999,12,31,,2\n');
  const a = dd.readCsv(p, { parseDates: ['When'] });
  t.equal(a.dtypes.When, 'datetime');
  const dfa = await a.compute(sync);
  t.same(dfa.column('When').values, [new Date(Date.UTC(2016, 2, 4, 5, 6, 7)), null]);
  const b = dd.readCsv(p, { parseDates: { Date: [0, 1, 2] } });
  t.same(b.columns, ['Date', 'When', 'v']);
  t.same(b.dtypes.Date, 'datetime');
  const dfb = await b.compute(sync);
  t.same(dfb.column('Date').values, [new Date(Date.UTC(1990, 0, 2)), new Date(Date.UTC(1999, 11, 31))]);
  const c = dd.readCsv(p, { parseDates: { D: ['Year', 'Month', 'Day'] }, usecols: ['v'] });
  t.same(c.columns, ['D', 'v']);
  t.same((await c.col('D').dt.year().compute(sync)).values, [1990, 1999]);
});

t.test('usecols, sep, naValues, header:false + names, latin1, gzip', async (t) => {
  const p = file('semi.csv', 'a;b;c\n1;missing;x\n2;3.5;y\n');
  const df = await dd.readCsv(p, { sep: ';', naValues: ['missing'], usecols: ['b', 'c'] }).compute(sync);
  t.same(df.columns, ['b', 'c']);
  t.same(df.column('b').values, [NaN, 3.5]);
  const nh = dd.readCsv(file('noheader.csv', '1,x\n2,y\n'), { header: false, names: ['n', 's'] });
  t.same(nh.columns, ['n', 's']);
  t.same((await nh.compute(sync)).column('s').values, ['x', 'y']);
  const l1 = file('latin1.csv', Buffer.from('name,v\ncaf\xe9,1\nna\xefve,2\n', 'latin1'));
  t.same((await dd.readCsv(l1, { encoding: 'latin1' }).compute(sync)).column('name').values, ['café', 'naïve']);
  const gz = file('z.csv.gz', gzipSync('a,b\n1,x\n2,y\n3,z\n'));
  const g = dd.readCsv(gz, { blocksize: 4 });
  t.equal(g.npartitions, 1, 'gzip files are never split');
  t.same((await g.compute(sync)).column('b').values, ['x', 'y', 'z']);
  const u8 = file('utf8.csv', '\ufeffk,v\nü,1\n');
  t.same((await dd.readCsv(u8).compute(sync)).columns, ['k', 'v'], 'a UTF-8 BOM is dropped');
});

t.test('blocks split at line starts: any blocksize gives the same rows', async (t) => {
  const lines = ['id,name,score'];
  for (let i = 0; i < 500; i++) lines.push(`${i},"n,${i % 7}",${(i * 37) % 101}`);
  const p = file('blocks.csv', lines.join('\n')); // no trailing newline
  const whole = dd.readCsv(p, { blocksize: null });
  const want = await whole.col('score').sum().compute(sync);
  for (const bs of [50, 97, 1000, '2KB']) {
    const ddf = dd.readCsv(p, { blocksize: bs });
    t.ok(ddf.npartitions > 1, `blocksize ${bs}: ${ddf.npartitions} partitions`);
    t.equal(await ddf.length(sync), 500);
    t.equal(await ddf.col('score').sum().compute(sync), want);
    t.equal(await ddf.col('id').nunique().compute(sync), 500);
  }
});

t.test('globs and lists of files; headers must agree', async (t) => {
  const sub = join(dir, 'many');
  for (const y of [1990, 1991, 1992]) file(`many-${y}.csv`, `y,v\n${y},1\n${y},2\n`);
  void sub;
  const g = dd.readCsv(join(dir, 'many-199[0-2].csv'));
  t.equal(g.npartitions, 3);
  t.same((await g.col('y').compute(sync)).values, [1990, 1990, 1991, 1991, 1992, 1992]);
  const l = dd.readCsv([join(dir, 'many-1992.csv'), join(dir, 'many-1990.csv')]);
  t.same((await l.col('y').compute(sync)).values, [1992, 1992, 1990, 1990]);
  t.throws(() => dd.readCsv(join(dir, 'nothing-*.csv')), /no files match/);
  file('other-1.csv', 'y,v\n1,2\n');
  file('other-2.csv', 'y,w\n1,2\n');
  await t.rejects(dd.readCsv(join(dir, 'other-*.csv')).compute(sync), /other-2\.csv has header 'y,w', but the first file has 'y,v'/);
});

t.test('string dictionaries stay unique in sorted and hashed modes, and decode lazily', async (t) => {
  // sorted run (ids, timestamps), then out-of-order values force the hash table; NA between
  const vals = ['a1', 'a1', 'a2', 'b', 'b', 'NA', 'c', 'a2', 'a1', 'zz', 'b', 'é', 'é', 'c'];
  const p = file('dict.csv', 'k\n' + vals.join('\n') + '\n');
  const s = dd.readCsv(p).col('k');
  const got = (await s.compute(sync)).values;
  t.same(
    got,
    vals.map((v) => (v === 'NA' ? null : v)),
  );
  t.equal(await s.nunique().compute(sync), 6);
  const counts = await s.valueCounts().compute(sync);
  t.same([...(counts.index as string[])].sort(), ['a1', 'a2', 'b', 'c', 'zz', 'é'], 'each distinct value counted once');
  const buf = Buffer.from(vals.join('\n') + '\n');
  const spec = {
    names: ['k'],
    kinds: ['string' as const],
    joins: [],
    sep: 44,
    latin1: false,
    gzip: false,
    header: false,
    na: ['NA'],
    inferredFrom: '',
    inferred: [false],
    headerLine: null,
  };
  const { frame } = parseRows(buf, 0, buf.length, spec, 'mem', () => 0);
  const col = frame.col('k');
  t.ok(stringBytesOf(col), 'parsed strings stay bytes until read');
  const back = decode(encode(frame)) as Frame;
  t.ok(stringBytesOf(back.col('k')), 'and travel as bytes');
  t.same(
    back.values('k'),
    vals.map((v) => (v === 'NA' ? null : v)),
  );
  t.equal(new Set(col.dict).size, col.dict!.length, 'no duplicate dictionary entries');
});

t.test('a quoted newline on a block boundary is an error that suggests blocksize: null', async (t) => {
  const lines = ['id,text'];
  for (let i = 0; i < 40; i++) lines.push(`${i},"multi\nline ${i}"`);
  const p = file('multiline.csv', lines.join('\n') + '\n');
  t.equal(await dd.readCsv(p, { blocksize: null }).length(sync), 40);
  await t.rejects(async () => dd.readCsv(p, { blocksize: 64 }).length(sync), /blocksize: null/);
});

t.test('a sample that ends inside a quoted multi-line field is cut back to a row boundary', async (t) => {
  const lines = ['id,text,n'];
  for (let i = 0; i < 60; i++) lines.push(`${i},"first line\nsecond line ${i}",${i * 2}`);
  const p = file('sample-cut.csv', lines.join('\n') + '\n');
  for (const sampleBytes of [100, 333, 1000]) {
    const ddf = dd.readCsv(p, { sampleBytes, blocksize: null });
    t.same(ddf.dtypes, { id: 'int64', text: 'string', n: 'int64' }, `sampleBytes ${sampleBytes}`);
    t.equal(await ddf.col('n').sum().compute(sync), 3540);
  }
});

t.test('a bad date under parseDates points to toDatetime with errors: coerce', async (t) => {
  const p = file('baddate.csv', 'when,v\n2016-01-01,1\nsoon,2\n');
  await t.rejects(
    async () => dd.readCsv(p, { parseDates: ['when'] }).compute(sync),
    /column 'when' \(datetime, from parseDates or dtype\): line 3 has 'soon'[\s\S]*read 'when' without parseDates and convert with dd.toDatetime/,
  );
});

t.test('integers beyond 2^53 are never rounded silently', async (t) => {
  const p = file('bigint.csv', 'id,v\n1234567890123456789,1\n9007199254740993,2\n');
  const inferred = dd.readCsv(p);
  t.equal(inferred.dtypes.id, 'string', 'inferred as text, exact');
  t.same((await inferred.col('id').compute(sync)).values, ['1234567890123456789', '9007199254740993']);
  await t.rejects(
    async () => dd.readCsv(p, { dtype: { id: 'int64' } }).compute(sync),
    /line 2 has '1234567890123456789'; it is beyond 2\^53[\s\S]*dtype: \{ id: 'string' \}/,
  );
  const small = file('int32.csv', 'a\n1\n3000000000\n');
  await t.rejects(async () => dd.readCsv(small, { dtype: { a: 'int32' } }).compute(sync), /does not fit in 32 bits[\s\S]*a: 'int64'/);
});

t.test('chunked reads and one-entry-per-value string columns give the same values as the text', async (t) => {
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pad = (n: number) => String(n).padStart(2, '0');
  const header = 'id,ts,u,tag,txt,x';
  const rows: string[] = [];
  const want: { ts: Array<string | null>; u: Array<string | null>; tag: string[]; txt: string[]; x: number[] } = { ts: [], u: [], tag: [], txt: [], x: [] };
  let sec = 0;
  for (let i = 0; i < 5000; i++) {
    // ts: sorted, mostly distinct (some repeats, some NA, a few out of order late on)
    const r = rnd();
    if (r > 0.1) sec += 1 + Math.floor(rnd() * 3);
    const s = i > 4000 && r < 0.02 ? sec - 5000 : sec;
    const ts = r > 0.95 ? null : `2008-07-${pad(1 + Math.floor(s / 86400))}T${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}Z`;
    const u = rnd() < 0.3 ? null : `u${Math.floor(rnd() * 20000)}${rnd() < 0.05 ? 'é' : ''}`;
    const tag = ['css', 'html', 'c#', 'sql'][Math.floor(rnd() * 4)];
    const q = rnd();
    const txt = q < 0.1 ? `line\nbreak ${i}` : q < 0.2 ? `say "hi", ${i}` : q < 0.25 ? '' : `t${i % 300}`;
    const x = rnd() < 0.1 ? NaN : Math.floor(rnd() * 1000) / 4;
    const quoted = /[",\n]/.test(txt) ? `"${txt.replace(/"/g, '""')}"` : txt;
    rows.push(`${i},${ts ?? 'NA'},${u ?? ''},${tag},${quoted},${Number.isNaN(x) ? '' : x}`);
    if (i % 997 === 0) rows.push('');
    want.ts.push(ts);
    want.u.push(u);
    want.tag.push(tag);
    want.txt.push(txt === '' ? (null as unknown as string) : txt);
    want.x.push(x);
  }
  const p = file('chunks.csv', `${header}\n${rows.join('\n')}\n`);
  const dtype = { ts: 'string', u: 'string', tag: 'string', txt: 'string', x: 'float64' } as const;
  const distinct = (xs: Array<string | null>) => new Set(xs.filter((v) => v !== null)).size;
  const saved = readTuning.chunk;
  t.teardown(() => {
    readTuning.chunk = saved;
  });
  for (const chunk of [1 << 20, 4096, 333, 7]) {
    readTuning.chunk = chunk;
    const ddf = dd.readCsv(p, { blocksize: null, dtype });
    const df = await ddf.compute(sync);
    for (const c of ['ts', 'u', 'tag', 'txt', 'x'] as const) t.same(df.column(c).values, want[c], `chunk ${chunk}: column ${c}`);
    t.equal(await ddf.col('ts').nunique().compute(sync), distinct(want.ts), `chunk ${chunk}: ts nunique`);
    t.equal(await ddf.col('u').nunique().compute(sync), distinct(want.u), `chunk ${chunk}: u nunique`);
    const counts = await ddf.col('u').valueCounts().compute(sync);
    t.equal(counts.index.length, distinct(want.u), `chunk ${chunk}: one count per distinct u`);
    // Rows re-read after a chunk boundary inside quotes leave no stray dictionary entries.
    const [task] = [...materialize([ddf.layer])].filter(([k]) => k.startsWith('read-csv-')).map(([, n]) => n as Task);
    const frame = readBlock(...(task.args as Parameters<typeof readBlock>));
    for (const c of ['ts', 'u', 'tag', 'txt'] as const) t.equal(frame.col(c).dict!.length, distinct(want[c]), `chunk ${chunk}: ${c} dictionary`);
  }
  // Blocks and chunks together (no quoted newlines, so any blocksize works).
  const flat = file('chunks-flat.csv', `${header}\n${rows.map((r) => r.replace(/"line\nbreak/g, '"line break')).join('\n')}\n`);
  readTuning.chunk = 500;
  const whole = await dd.readCsv(flat, { blocksize: null, dtype }).compute(sync);
  for (const bs of [3000, 20000]) {
    const parts = dd.readCsv(flat, { blocksize: bs, dtype });
    t.ok(parts.npartitions > 2);
    const df = await parts.compute(sync);
    for (const c of ['ts', 'u', 'txt', 'x']) t.same(df.column(c).values, whole.column(c).values, `blocksize ${bs}: column ${c}`);
  }
});

t.test('string columns deduplicate on first use: sorted and hashed entries, repeats, frames built around them', async (t) => {
  const vals: string[] = [];
  for (let i = 0; i < 3000; i++) vals.push(`v${String(i).padStart(5, '0')}`);
  vals.push('v00007', 'NA', 'v02999', 'v00007'); // repeats after a sorted run
  const shuffled = [...vals].reverse().concat(['zz', 'v00001', 'zz']);
  for (const [name, list] of [
    ['sorted', vals],
    ['unsorted', shuffled],
  ] as const) {
    const buf = Buffer.from(list.join('\n') + '\n');
    const spec = {
      names: ['k'],
      kinds: ['string' as const],
      joins: [],
      sep: 44,
      latin1: false,
      gzip: false,
      header: false,
      na: ['NA'],
      inferredFrom: '',
      inferred: [false],
      headerLine: null,
    };
    const { frame } = parseRows(buf, 0, buf.length, spec, 'mem', () => 0);
    const isDeferred = Object.getOwnPropertySymbols(frame.col('k')).some((s) => s.description === 'tsdask.rows');
    t.ok(isDeferred, `${name}: kept as one entry per value until used`);
    const sel = frame.withColumns(['k'], [frame.col('k')]);
    t.equal(sel.length, list.length, `${name}: frames take the length without building codes`);
    const col = frame.col('k');
    t.equal(new Set(col.dict).size, col.dict!.length, `${name}: dictionary entries are distinct`);
    t.equal(col.dict!.length, new Set(list.filter((v) => v !== 'NA')).size, `${name}: one entry per distinct value`);
    t.same(
      frame.values('k'),
      list.map((v) => (v === 'NA' ? null : v)),
      `${name}: values`,
    );
    const back = decode(encode(frame)) as Frame;
    t.same(
      back.values('k'),
      list.map((v) => (v === 'NA' ? null : v)),
      `${name}: through the codec`,
    );
  }
});

t.test('isna of a text column kept one entry per value reads its missing rows without building the dictionary', async (t) => {
  let seed = 11;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const lines = ['ts'];
  const missing: boolean[] = [];
  for (let r = 0; r < 5000; r++) {
    const na = rnd() < 0.2;
    missing.push(na);
    lines.push(na ? 'NA' : `2016-01-02T${r}`); // distinct: one entry per value after 1024 values
  }
  const p = file('isna-deferred.csv', lines.join('\n') + '\n');
  const [task] = [...materialize([dd.readCsv(p, { blocksize: null }).layer])].filter(([k]) => k.startsWith('read-csv-')).map(([, x]) => x as Task);
  const frame = readBlock(...(task.args as Parameters<typeof readBlock>));
  // The same column with a dictionary that must not be built.
  const col = frame.col('ts');
  const unbuilt = deferredStringColumn(
    frame.length,
    () => {
      throw new Error('isna built the dictionary');
    },
    missingCodes(col),
  );
  const mask = isna(new Frame(['ts'], [unbuilt], frame.length)).col('ts').data;
  t.same(
    Array.from(mask, (v) => v === 1),
    missing,
    'isna mask, dictionary not built',
  );
  const notMask = isna(new Frame(['ts'], [unbuilt], frame.length), 0).col('ts').data;
  t.same(
    Array.from(notMask, (v) => v === 1),
    missing.map((m) => !m),
    'notna mask',
  );
  t.equal(await dd.readCsv(p).col('ts').isna().sum().compute(sync), missing.filter(Boolean).length, 'isna().sum() through readCsv');
});

t.test('a block parsed on a worker thread has its columns in shared memory from birth (sent to main without a copy)', async (t) => {
  const lines = ['i,x,b,tag,ts,dup'];
  const want: Record<string, unknown[]> = { i: [], x: [], b: [], tag: [], ts: [], dup: [] };
  for (let r = 0; r < 6000; r++) {
    const row = [r, r / 4, r % 3 === 0, ['css', 'sql'][r % 2], `t${(r * 7919) % 6000}`, `d${(r * 31) % 4000}`];
    lines.push(row.map(String).join(','));
    for (const [k, v] of Object.entries(want)) v.push(row[Object.keys(want).indexOf(k)]);
  }
  // ts and dup switch to one entry per value (after 1024 values); dup repeats, so building its codes compacts.
  const p = file('worker-block.csv', lines.join('\n') + '\n');
  const code = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(join(__dirname, 'fixtures', 'csv-block-worker.ts'))});`;
  const w = new Worker(code, { eval: true, workerData: { path: p } });
  t.teardown(() => w.terminate());
  const got = await new Promise<{ shared: Record<string, boolean>; values: Record<string, unknown[]> }>((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
  });
  t.same(got.shared, { i: true, x: true, b: true, tag: true, ts: true, dup: true }, 'every column in shared memory');
  t.same(got.values, want, 'values');
  // On the main thread (sync scheduler) the arrays are ordinary ones.
  const [task] = [...materialize([dd.readCsv(p, { blocksize: null }).layer])].filter(([k]) => k.startsWith('read-csv-')).map(([, x]) => x as Task);
  const frame = readBlock(...(task.args as Parameters<typeof readBlock>));
  t.notOk(frame.col('i').data.buffer instanceof SharedArrayBuffer, 'main thread: ordinary arrays');
});

t.test('the generated row loop and the general loop read every file alike (values, mismatches, errors)', async (t) => {
  let seed = 99;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const kinds = ['int64', 'float64', 'int32', 'bool', 'string', 'datetime', 'skip'] as const;
  const cells: Record<(typeof kinds)[number], readonly string[]> = {
    int64: ['0', '7', '-12', '123456789012345', '1234567890123456', '1.0', '1.5', '-', '+5', ' 7 ', 'NA', '', '"42"', 'x', '1e20', '-999', '-999.0'],
    float64: [
      '0',
      '-3',
      '2.5',
      '1e3',
      '-0.125',
      '.5',
      'NA',
      'nan',
      '',
      '"1,5"',
      'x',
      '99999999999999999999',
      '-999',
      '-9.99e2',
      '"-999"',
      '-0',
      '36.472',
      '-999.0',
      '5.',
      '-.5',
      '-0.0',
      '.',
      '1.2.3',
      '123456789012.345',
      '1234567890123.456',
      '0.000000000000001',
      '1.5x',
    ],
    int32: ['0', '-5', '123456789', '3000000000', 'NA', '', '2.0', 'y', '1e10', '-2.2e9', '-999'],
    bool: ['true', 'False', 'TRUE', 'NA', '', 'yes'],
    string: ['a', 'b', 'é', 'NA', '', '"a,b"', '"x\ny"', '"say ""hi"""', '"q"', 'x"y'],
    datetime: ['2016-01-02', '2016-01-02 03:04:05', '2016-01-02T03:04:05Z', '1/2/2016', 'NA', '', 'soon'],
    skip: ['1', 'x', '"a,b"', ''],
  };
  // NA spellings: text only; with numbers (matched by value; inline compares, then a set); with a bool spelling.
  const naSets = [
    ['', 'NA', 'nan', 'NULL'],
    ['', 'NA', '-999', '-999.0', '7'],
    ['', 'NA', '-999', '1', '2', '3', '4', '5', 'False'],
  ];
  const parse = (text: string, spec: Parameters<typeof parseRows>[3], fast: boolean) => {
    const saved = readTuning.fastRows;
    readTuning.fastRows = fast;
    try {
      const buf = Buffer.from(text);
      const { frame, mismatches } = parseRows(buf, 0, buf.length, spec, 'mem', (o) => o);
      return { rows: frame.toRecords(), mismatches };
    } catch (e) {
      return { error: (e as Error).message };
    } finally {
      readTuning.fastRows = saved;
    }
  };
  for (let trial = 0; trial < 90; trial++) {
    const ncols = 1 + Math.floor(rnd() * 5);
    const colKinds = Array.from({ length: ncols }, () => pick(kinds));
    const nrows = trial % 10 === 0 ? 3000 : 200;
    if (nrows > 1024) colKinds[0] = 'string'; // enough distinct values to switch to RAW entries
    const clean = rnd() < 0.5; // mostly well-formed files, so the fast loop does the work
    const sep = trial % 4 === 3 ? pick([';', '\t', '|']) : ',';
    const lines: string[] = [];
    for (let r = 0; r < nrows; r++) {
      const fields = colKinds.map((k, j) => {
        // Many distinct values (RAW entries), long ones late in the file (the arena must grow).
        if (k === 'string' && j === 0)
          return rnd() < 0.05 ? 'NA' : `id${Math.floor(rnd() * 1e6)}${rnd() < 0.02 ? 'é' : ''}${r > nrows * 0.7 && rnd() < 0.05 ? 'x'.repeat(5000) : ''}`;
        if (clean)
          return k === 'string'
            ? pick(['a', 'bb', 'é', 'NA'])
            : k === 'bool'
              ? pick(['true', 'false'])
              : k === 'datetime'
                ? '2016-01-02'
                : k === 'float64'
                  ? pick(['1', '2.5', '-3'])
                  : String(Math.floor(rnd() * 1000));
        return pick(cells[k]);
      });
      if (!clean && rnd() < 0.01) fields.push('extra');
      lines.push(fields.join(sep));
      if (rnd() < 0.02) lines.push('');
    }
    const eol = rnd() < 0.3 ? '\r\n' : '\n';
    const text = lines.join(eol) + (rnd() < 0.8 ? eol : '');
    const na = naSets[trial % naSets.length];
    const spec = {
      names: colKinds.map((_, j) => `c${j}`),
      kinds: [...colKinds],
      joins: [],
      sep: sep.charCodeAt(0),
      latin1: false,
      gzip: false,
      header: false,
      na,
      inferredFrom: '',
      inferred: colKinds.map(() => false),
      headerLine: null,
    };
    const a = parse(text, spec, true);
    const b = parse(text, spec, false);
    t.same(a, b, `trial ${trial}: ${colKinds.join(',')} (${clean ? 'clean' : 'messy'}, ${JSON.stringify(eol)}, sep ${JSON.stringify(sep)})`);
  }
});

t.test('lines longer than a block are read once, by the block they start in', async (t) => {
  const lines = ['k,v'];
  for (let i = 0; i < 120; i++) lines.push(`${i},${'x'.repeat([1, 5, 30, 200][i % 4])}`);
  const p = file('long-lines.csv', lines.join('\n') + '\n');
  const want = (await dd.readCsv(p, { blocksize: null }).compute(sync)).column('k').values;
  for (const bs of [7, 64, 199]) {
    const ddf = dd.readCsv(p, { blocksize: bs });
    t.ok(ddf.npartitions > 20);
    t.same((await ddf.compute(sync)).column('k').values, want, `blocksize ${bs}`);
  }
});

t.test('every error path of the row parser names file, line and column, in both loops and any chunk size', async (t) => {
  const saved = { fastRows: readTuning.fastRows, chunk: readTuning.chunk };
  t.teardown(() => Object.assign(readTuning, saved));
  // Every dtype is given, so nothing is sampled: the errors come from the block read (both
  // loops, chunk by chunk). The scheduler appends the task to the message.
  const failure = async (p: string, dtype: dd.ReadCsvOptions['dtype']) => {
    const err = await dd
      .readCsv(p, { blocksize: null, dtype })
      .compute(sync)
      .then(
        () => null,
        (e: unknown) => e,
      );
    return err instanceof CsvError
      ? { message: err.message.replace(/ \[in task '[^']*'\]$/, ''), line: err.line, column: err.column }
      : { notCsvError: String(err) };
  };
  const ab = { a: 'string', b: 'string' } as const;
  const ragged = file('ragged-extra.csv', 'a,b\n1,2\n3,4,5\n');
  // A row after a quoted newline: lines count the newline inside the quotes.
  const raggedAfterQuote = file('ragged-after-quote.csv', 'a,b\n1,"x\ny"\n2\n');
  const quoteA = file('quote-first-col.csv', 'a,b\n1,2\n"p"q,3\n');
  const quoteB = file('quote-b.csv', 'a,b\n1,"x"y\n');
  const open = file('open-quote.csv', 'a,b\n1,2\n3,"open\n4,5\n');
  const dtype = { id: 'int64', n: 'int64', f: 'float64', b: 'bool', k: 'int32', q: 'int64' } as const;
  const values = file('values.csv', 'id,n,f,b,k,q\n1,1,1.5,true,7,5\n2,2.5,x,yes,,6\n3,"4""2",y,no,8,"4""2"\n');
  const afterNewline = file('after-newline.csv', 'id,text,n\n1,"a\nb",1\n2,"c\n\nd",x\n3,e,4\n');
  const ragMsg = (p: string, line: number, got: number) =>
    `readCsv: ${p} line ${line} has ${got} fields, expected 2 (a, b). Ragged rows are errors, never silently shifted: fix the file, check \`sep\`, or check for an unbalanced quote.`;
  for (const fastRows of [true, false]) {
    for (const chunk of [1 << 20, 16, 3]) {
      Object.assign(readTuning, { fastRows, chunk });
      const how = `fastRows ${fastRows}, chunk ${chunk}`;
      t.same(await failure(ragged, ab), { message: ragMsg(ragged, 3, 3), line: 3, column: undefined }, `${how}: extra field`);
      t.same(
        await failure(raggedAfterQuote, ab),
        { message: ragMsg(raggedAfterQuote, 4, 1), line: 4, column: undefined },
        `${how}: missing field after a quoted newline`,
      );
      t.same(
        await failure(quoteA, ab),
        { message: `readCsv: bad quoting in ${quoteA} at line 3: column 'a' has text after its closing quote`, line: 3, column: 'a' },
        `${how}: text after a closing quote`,
      );
      t.same(
        await failure(quoteB, ab),
        { message: `readCsv: bad quoting in ${quoteB} at line 2: column 'b' has text after its closing quote`, line: 2, column: 'b' },
        `${how}: text after a closing quote, last column`,
      );
      t.same(
        await failure(open, ab),
        { message: `readCsv: unterminated quoted field in ${open} at line 3 (column 'b')`, line: 3, column: 'b' },
        `${how}: unterminated quote`,
      );
      t.same(
        await failure(values, dtype),
        {
          message:
            `readCsv: values in ${values} do not match the column dtypes:\n` +
            `  - column 'n' (int64, given in dtype): line 3 has '2.5'; it has a fraction\n` +
            `  - column 'f' (float64, given in dtype): line 3 has 'x'; it is not a float64 value\n` +
            `  - column 'b' (bool, given in dtype): line 3 has 'yes'; it is not a bool value\n` +
            `  - column 'k' (int32, given in dtype): line 3 has an empty (missing) value; int columns cannot hold missing values\n` +
            `  - column 'q' (int64, given in dtype): line 4 has '4"2'; it is not a int64 value\n` +
            `Fix: pass the dtypes explicitly, e.g. readCsv(..., { dtype: { n: 'float64', f: 'string', b: 'string', k: 'float64', q: 'string' } }), or { assumeMissing: true } to read integer columns as float64.`,
          line: 3,
          column: 'n',
        },
        `${how}: values that do not fit (first per column)`,
      );
      t.same(
        await failure(afterNewline, { id: 'int64', text: 'string', n: 'int64' }),
        {
          message:
            `readCsv: values in ${afterNewline} do not match the column dtypes:\n` +
            `  - column 'n' (int64, given in dtype): line 4 has 'x'; it is not a int64 value\n` +
            `Fix: pass the dtypes explicitly, e.g. readCsv(..., { dtype: { n: 'string' } }).`,
          line: 4,
          column: 'n',
        },
        `${how}: a mismatch after quoted newlines`,
      );
    }
  }
});

t.test('bool columns read true/false in any letter case, missing values as null', async (t) => {
  const spellings = ['true', 'True', 'TRUE', 'tRuE', 'false', 'False', 'FALSE', 'fAlSe', 'NA', ''];
  const p = file('bools.csv', `b,n\n${spellings.map((s, i) => `${s},${i}`).join('\n')}\n`);
  const want = spellings.map((s) => (s.toLowerCase() === 'true' ? true : s.toLowerCase() === 'false' ? false : null));
  const saved = readTuning.fastRows;
  t.teardown(() => {
    readTuning.fastRows = saved;
  });
  for (const fastRows of [true, false]) {
    readTuning.fastRows = fastRows;
    const df = await dd.readCsv(p, { dtype: { b: 'bool', n: 'int64' } }).compute(sync);
    t.same(df.column('b').values, want, `fastRows ${fastRows}`);
  }
  const bad = file('bools-bad.csv', 'b\ntrue\ntru\n');
  await t.rejects(
    async () => dd.readCsv(bad, { dtype: { b: 'bool' } }).compute(sync),
    /column 'b' \(bool, given in dtype\): line 3 has 'tru'; it is not a bool value/,
  );
});
