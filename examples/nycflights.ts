/**
 * The NYC flights exercise (Homework 4, section D) in tsdask, on a ten-file flights-like
 * folder made by examples/data/generate.ts (1990.csv ... 1999.csv).
 *
 *   npx tsx examples/nycflights.ts                 # everything, LocalCluster part included
 *   npx tsx examples/nycflights.ts --no-cluster    # skip Task 11's LocalCluster
 * Options: --rows N per file (default 20000)  --dir DIR  --svg FILE (Task 10's graph; default
 * in the data folder)  --json (one JSON line with the answers, for tests)
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, compute, config, LocalCluster, ProgressBar, shutdownSchedulers } from 'tsdask';
import * as dd from 'tsdask/dataframe';
import { generateFlights } from './data/generate';

type Cellish = string | number | null;

function clean(v: unknown): Cellish {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  // danfo cells are otherwise booleans or Dates, which print as themselves; anything else as JSON.
  return typeof v === 'boolean' || v instanceof Date ? String(v) : JSON.stringify(v);
}
function byLabel(s: dd.DanfoSeries): Record<string, Cellish> {
  const idx = s.index;
  return Object.fromEntries(idx.map((k, i) => [String(k), clean((s.values as unknown[])[i])]));
}
function rowsOf(df: dd.DanfoDataFrame): Array<Record<string, Cellish>> {
  const cols = df.columns;
  return (df.values as unknown[][]).map((r) => Object.fromEntries(cols.map((c, i) => [c, clean(r[i])])));
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

/** The dtype fix of step 6 (TailNum looks numeric in the sample; CRSElapsedTime looks integer). */
export const FLIGHT_DTYPES = { CRSElapsedTime: 'float64', TailNum: 'object' } as const;

async function main(): Promise<void> {
  const rows = Number(arg('rows', '20000'));
  const dir = arg('dir') ?? join(tmpdir(), 'tsdask-examples', `nycflights-${rows}`);
  const json = flag('json');
  // danfo objects (they hold `$data`) print as tables through their own toString.
  const isDanfo = (v: unknown): v is dd.DanfoDataFrame | dd.DanfoSeries => v !== null && typeof v === 'object' && '$data' in v;
  const say = (...x: unknown[]) => {
    if (!json) console.log(...x.map((v) => (isDanfo(v) ? String(v) : v)));
  };
  const section = (s: string) => say(`\n=== ${s}`);
  if (!existsSync(join(dir, '1999.csv'))) {
    say(`generating ten flights files of ${rows.toLocaleString('en-US')} rows in ${dir} ...`);
    generateFlights(dir, { rowsPerFile: rows });
  }
  const files = join(dir, '*.csv');
  const out: Record<string, unknown> = {};

  try {
    section('2-3. read the folder lazily (types inferred from a sample of the first file)');
    const naive = dd.readCsv(files);
    say(String(naive));

    section('5. the inferred dtypes are wrong: TailNum is empty (float) and CRSElapsedTime whole (int) at the top');
    say(naive.dtypes);
    try {
      await naive.head();
      out.inferenceTrap = 'no error';
    } catch (e) {
      out.inferenceTrap = (e as Error).message;
      say(`error, as in the seed: ${(e as Error).message}`);
    }

    section('6. read again with dtype and parseDates {Date: [0, 1, 2]}');
    const ddf = dd.readCsv(files, { parseDates: { Date: [0, 1, 2] }, dtype: FLIGHT_DTYPES });
    out.length = await ddf.length();
    say('length', out.length);
    say(await ddf.head());
    say(await ddf.tail());
    say(await ddf.select(['CRSElapsedTime', 'TailNum']).sample({ frac: 0.001, randomState: 1 }).compute());

    section('7. a Series, boolean row selection, columns by position');
    say(await ddf.col('TailNum').head());
    const late = ddf.loc(ddf.col('ArrTime').lt(ddf.col('ArrTime').mean()));
    out.arrTimeBelowMean = await late.length();
    say('rows with ArrTime below its mean:', out.arrTimeBelowMean);
    say(await ddf.iloc(null, [1, 3]).head());
    try {
      ddf.iloc([1, 3] as unknown as null);
    } catch (e) {
      say(`iloc on rows fails, as in Dask: ${(e as Error).message.split('.')[0]}`);
    }

    section('8. from a danfo frame to a partitioned one');
    const pdf = await ddf.head(1000);
    const parts = dd.fromDanfo(pdf, { npartitions: 10 });
    say(String(parts.partitions(1)));

    section('9a. non-missing values per column');
    out.count = byLabel(await ddf.count().compute());
    say(out.count);
    section('9b. value counts of Cancelled');
    out.cancelledCounts = byLabel(await ddf.col('Cancelled').valueCounts().compute());
    say(out.cancelledCounts);
    section('9c. max DepDelay');
    out.maxDepDelay = await ddf.col('DepDelay').max().compute();
    say(out.maxDepDelay);
    section('9d. the cancelled flights');
    const cancelled = ddf.filter(ddf.col('Cancelled').eq(1));
    const [cancelledRows, cancelledFlightNums] = await compute(cancelled.lengthLazy(), cancelled.col('FlightNum').sum());
    out.cancelled = { rows: cancelledRows, flightNumSum: cancelledFlightNums };
    say(await cancelled.head());
    say(out.cancelled);
    section('9e. flights on Mondays (DayOfWeek == 1)');
    out.mondays = await ddf.col('DayOfWeek').eq(1).sum().compute();
    say(out.mondays);
    section('9f. non-cancelled flights per Origin, and their share of all flights (bonus)');
    const flown = ddf.filter(ddf.col('Cancelled').eq(0)).groupby('Origin').col('Origin').count();
    const all = ddf.groupby('Origin').col('Origin').count();
    const [a, b] = await compute(flown, flown.div(all));
    out.flownByOrigin = byLabel(a);
    out.flownRatio = byLabel(b);
    say(out.flownByOrigin, out.flownRatio);
    section('9g. mean departure delay by Origin and DayOfWeek');
    // Two keys: a frame with Origin (string) and DayOfWeek (int) as leading columns, then DepDelay.
    const byOriginDay = rowsOf(await ddf.groupby(['Origin', 'DayOfWeek']).col('DepDelay').mean().compute());
    out.depDelayByOriginDay = Object.fromEntries(byOriginDay.map((r) => [`(${r.Origin}, ${r.DayOfWeek})`, r.DepDelay]));
    say(out.depDelayByOriginDay);
    section('9h. means of the numeric columns for flights to JFK, EWR and LGA');
    const numeric = ddf.selectDtypes({ include: 'number' }).columns;
    out.nycMeans = rowsOf(
      await ddf
        .filter(ddf.col('Dest').isin(['JFK', 'EWR', 'LGA']))
        .groupby('Dest')
        .select(numeric)
        .mean()
        .compute(),
    );
    say(out.nycMeans);
    section('9i. per year: max ActualElapsedTime and Distance');
    out.yearMax = rowsOf(await ddf.groupby(ddf.col('Date').dt.year()).select(['ActualElapsedTime', 'Distance']).max().compute());
    say(out.yearMax);

    section('10. the task graph of min ArrDelay by Dest');
    const query = ddf.groupby('Dest').col('ArrDelay').min();
    const svgPath = arg('svg') ?? join(dir, 'min-arrdelay-by-dest.svg');
    const svg = await query.visualize({ filename: svgPath });
    out.svgBytes = svg.length;
    say(`wrote ${svgPath} (${svg.length} bytes of SVG)`);

    out.query = {};
    const query12 = async () => {
      section('12. the same query on the threads scheduler (per call) and processes (scoped config)');
      const [onThreads] = await compute(query, { scheduler: 'threads' });
      const onProcesses = await config.with({ scheduler: 'processes' }, () => query.compute());
      Object.assign(out.query as object, { threads: byLabel(onThreads), processes: byLabel(onProcesses) });
    };
    if (flag('no-cluster')) await query12();
    else {
      section('11. a LocalCluster of 4 workers x 2 threads, 1GB each, with a progress bar');
      const cluster = await LocalCluster.start({ nWorkers: 4, threadsPerWorker: 2, memoryLimit: '1GB', dashboardAddress: json ? null : ':8787' });
      const client = await Client.connect(cluster);
      try {
        say(String(client));
        say(`dashboard: ${client.dashboardLink ?? '(none)'}`);
        const bar = new ProgressBar();
        if (!json) bar.register();
        // Once a client is connected it is the default scheduler.
        (out.query as Record<string, unknown>).cluster = byLabel(await query.compute());
        if (!json) bar.unregister();
        await query12();
      } finally {
        await client.shutdown();
      }
    }
    const q = out.query as Record<string, Record<string, Cellish>>;
    say(JSON.stringify(q.threads));
    say(`same answer on every scheduler: ${Object.values(q).every((v) => JSON.stringify(v) === JSON.stringify(q.threads))}`);
  } finally {
    await shutdownSchedulers();
  }
  if (json) console.log(JSON.stringify(out));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
