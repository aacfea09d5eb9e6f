/**
 * bench/js-peers: the six StackLite tasks (bench/stackoverflow's, each reading its CSVs) in
 * tsdask (threads scheduler, and a LocalCluster of 2 workers x 1 thread) against what a
 * TypeScript user can `npm install` instead: nodejs-polars (scanCSV, lazy) and DuckDB
 * (@duckdb/node-api, SQL over the CSV files).
 *
 *   npx tsx bench/js-peers/run.ts [--questions 1000000] [--dir DIR] [--rounds 3] [--only tsdask-threads,polars]
 *
 * Each contestant runs in a fresh process per round, rounds interleave the contestants (the
 * machine is shared), and the table shows per-task medians over rounds and the ratio of each
 * total to the faster peer's, then CPU seconds (user + system) of the contestant's own process
 * per task, steadier than wall time on a shared machine (a LocalCluster's workers are other
 * processes: its CPU column counts only the client side). A few answers (Task 3's top tags, Task 4, Task 5's top count)
 * are printed per contestant so a wrong one shows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ComputeOptions, LocalCluster, shutdownSchedulers } from 'tsdask';
import * as dd from 'tsdask/dataframe';
import { generateStackLite } from '../../examples/data/generate';
import { readTables, TASKS } from '../../examples/stackoverflow';
import { fmt, table } from '../lib/peer.mjs';

const TASK_NAMES = ['t1', 't2', 't3', 't4', 't5', 't6'] as const;
type TaskName = (typeof TASK_NAMES)[number];
const CONTESTANTS = ['tsdask-threads', 'tsdask-cluster', 'polars', 'duckdb'] as const;
type Contestant = (typeof CONTESTANTS)[number];

interface Result {
  seconds: Record<string, number>;
  /** CPU seconds (user + system, all threads) of this process per task. */
  cpu: Record<string, number>;
  /** Task 3's top tags, Task 4's answer, Task 5's largest question count. */
  answers: { t3: string[]; t4: number; t5: number };
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface Timed {
  seconds: Record<string, number>;
  cpu: Record<string, number>;
  values: Record<string, unknown>;
}

async function timeTasks(run: (t: TaskName) => unknown): Promise<Timed> {
  const seconds: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  const values: Record<string, unknown> = {};
  for (const t of TASK_NAMES) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    values[t] = await run(t);
    const c = process.cpuUsage(c0);
    seconds[t] = (performance.now() - t0) / 1000;
    cpu[t] = (c.user + c.system) / 1e6;
  }
  return { seconds, cpu, values };
}

async function runTsdask(dir: string, mode: 'threads' | 'cluster'): Promise<Result> {
  dd.toDanfo(dd.Frame.fromColumns({ warm: [1] })); // load danfo.js outside the timings
  let cluster: LocalCluster | undefined;
  let client: Client | undefined;
  let opts: ComputeOptions = { scheduler: 'threads' };
  if (mode === 'cluster') {
    cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
    client = await Client.connect(cluster);
    opts = {};
    const tiny = dd.fromFrames([dd.Frame.fromColumns({ k: [1, 2], v: [1, 2] })]);
    await tiny.groupby('k').col('v').sum().compute();
  }
  try {
    const { questions, tags } = readTables(dir);
    const { seconds, cpu, values } = await timeTasks((t) => TASKS[t](questions, tags, opts));
    const t3 = values.t3 as Array<[string, number]>;
    const t5 = values.t5 as Array<Record<string, number>>;
    return { seconds, cpu, answers: { t3: t3.map(([k]) => k), t4: values.t4 as number, t5: t5[0].NumQuestions } };
  } finally {
    if (client) await client.shutdown();
    await shutdownSchedulers();
  }
}

async function runPolars(dir: string): Promise<Result> {
  const pl = (await import('nodejs-polars')).default;
  // The StackLite files write missing values as NA, as R does.
  const q = () => pl.scanCSV(join(dir, 'questions.csv'), { nullValues: 'NA' });
  const tg = () => pl.scanCSV(join(dir, 'question_tags.csv'), { nullValues: 'NA' });
  const { seconds, cpu, values } = await timeTasks((t) => {
    switch (t) {
      case 't1':
        return [q().select(pl.all().isNull().mean().mul(100)).collectSync(), tg().select(pl.all().isNull().mean().mul(100)).collectSync()];
      case 't2': {
        const s = pl.col('Score');
        return q().select(s.mean().alias('mean'), s.std().alias('std'), s.median().alias('median'), s.min().alias('min'), s.max().alias('max')).collectSync();
      }
      case 't3':
        return tg().groupBy('Tag').agg(pl.col('Tag').count().alias('n')).sort('n', true).limit(5).collectSync().getColumn('Tag').toArray();
      case 't4':
        return Number(
          tg().join(q().select('Id'), { on: 'Id', how: 'anti' }).select(pl.col('Id').count().alias('n')).collectSync().getColumn('n').toArray()[0],
        ) > 0
          ? 1
          : 0;
      case 't5':
        return q()
          .filter(pl.col('OwnerUserId').isNotNull())
          .groupBy('OwnerUserId')
          .agg(pl.col('Score').mean().alias('AverageScore'), pl.col('Id').count().alias('NumQuestions'), pl.col('AnswerCount').sum().alias('NumAnswers'))
          .sort('NumQuestions', true)
          .limit(5)
          .collectSync()
          .getColumn('NumQuestions')
          .toArray()[0];
      case 't6': {
        const g = q()
          .join(tg(), { on: 'Id' })
          .groupBy('Tag')
          .agg(
            pl.col('Score').mean().alias('AverageScore'),
            pl.col('AnswerCount').sum().alias('NumAnswers'),
            pl.col('Id').count().alias('NumQuestions'),
            pl.col('OwnerUserId').count().alias('NumOwners'),
          )
          .collectSync();
        return [g.sort('NumQuestions', true).head(5), g.sort('NumAnswers', true).head(5)];
      }
    }
  });
  return { seconds, cpu, answers: { t3: values.t3 as string[], t4: values.t4 as number, t5: Number(values.t5) } };
}

async function runDuckdb(dir: string): Promise<Result> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const q = `read_csv_auto('${join(dir, 'questions.csv')}', nullstr = 'NA')`;
  const tg = `read_csv_auto('${join(dir, 'question_tags.csv')}', nullstr = 'NA')`;
  const rows = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJS();
  const nullPct = (cols: string[], from: string) => `SELECT ${cols.map((c) => `100.0 * count_if(${c} IS NULL) / count(*) AS ${c}`).join(', ')} FROM ${from}`;
  const { seconds, cpu, values } = await timeTasks(async (t) => {
    switch (t) {
      case 't1':
        return [
          await rows(nullPct(['Id', 'CreationDate', 'ClosedDate', 'DeletionDate', 'Score', 'OwnerUserId', 'AnswerCount'], q)),
          await rows(nullPct(['Id', 'Tag'], tg)),
        ];
      case 't2':
        return rows(`SELECT avg(Score), stddev_samp(Score), median(Score), min(Score), max(Score) FROM ${q}`);
      case 't3':
        return (await rows(`SELECT Tag, count(*) AS n FROM ${tg} GROUP BY Tag ORDER BY n DESC LIMIT 5`)).map((r) =>
          typeof r.Tag === 'string' ? r.Tag : JSON.stringify(r.Tag),
        );
      case 't4':
        return Number((await rows(`SELECT count(*) AS n FROM ${tg} t ANTI JOIN ${q} q ON t.Id = q.Id`))[0].n) > 0 ? 1 : 0;
      case 't5':
        return Number(
          (
            await rows(
              `SELECT OwnerUserId, avg(Score) AS AverageScore, count(Id) AS NumQuestions, sum(AnswerCount) AS NumAnswers FROM ${q} ` +
                `WHERE OwnerUserId IS NOT NULL GROUP BY OwnerUserId ORDER BY NumQuestions DESC LIMIT 5`,
            )
          )[0].NumQuestions,
        );
      case 't6': {
        await con.run(
          `CREATE OR REPLACE TEMP TABLE g AS SELECT Tag, avg(Score) AS AverageScore, sum(AnswerCount) AS NumAnswers, count(q.Id) AS NumQuestions, ` +
            `count(OwnerUserId) AS NumOwners FROM ${q} q JOIN ${tg} t ON q.Id = t.Id GROUP BY Tag`,
        );
        return [await rows('SELECT * FROM g ORDER BY NumQuestions DESC LIMIT 5'), await rows('SELECT * FROM g ORDER BY NumAnswers DESC LIMIT 5')];
      }
    }
  });
  return { seconds, cpu, answers: { t3: values.t3 as string[], t4: values.t4 as number, t5: values.t5 as number } };
}

async function childMain(who: Contestant, dir: string): Promise<void> {
  const r =
    who === 'polars' ? await runPolars(dir) : who === 'duckdb' ? await runDuckdb(dir) : await runTsdask(dir, who === 'tsdask-threads' ? 'threads' : 'cluster');
  console.log(JSON.stringify(r));
}

function child(who: Contestant, dir: string): Result | { error: string } {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', who, '--dir', dir], {
    encoding: 'utf8',
    timeout: 30 * 60_000,
    maxBuffer: 64 << 20,
  });
  if (r.error || r.status !== 0) return { error: r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ').slice(0, 300) };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function driver(): void {
  const n = Number(arg('questions', '1000000'));
  const dir = arg('dir', join(tmpdir(), 'tsdask-bench', `stacklite-${n}`));
  const rounds = Number(arg('rounds', '3'));
  const only = arg('only', '')
    .split(',')
    .filter((c) => c !== '');
  const unknown = only.filter((c) => !(CONTESTANTS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`--only: unknown contestant(s) ${unknown.join(', ')}; use ${CONTESTANTS.join(', ')}`);
  const chosen = CONTESTANTS.filter((c) => only.length === 0 || only.includes(c));
  if (!existsSync(join(dir, 'question_tags.csv'))) {
    console.log(`generating ${n.toLocaleString('en-US')} questions in ${dir} ...`);
    generateStackLite(dir, { questions: n });
  }
  const runs = new Map<Contestant, Result[]>(chosen.map((c) => [c, []]));
  const loads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    loads.push(loadavg()[0]);
    for (const who of chosen) {
      const r = child(who, dir);
      if ('error' in r) console.log(`${who} round ${round + 1}: failed: ${r.error}`);
      else runs.get(who)!.push(r);
    }
  }
  loads.push(loadavg()[0]);
  const names = chosen.filter((c) => runs.get(c)!.length > 0);
  const med = (who: Contestant, t: string, of: 'seconds' | 'cpu' = 'seconds') => median(runs.get(who)!.map((r) => r[of][t]));
  const total = (who: Contestant, of: 'seconds' | 'cpu' = 'seconds') => TASK_NAMES.reduce((a, t) => a + med(who, t, of), 0);
  const peers = names.filter((c) => !c.startsWith('tsdask'));
  const bestPeer = peers.length > 0 ? Math.min(...peers.map((p) => total(p))) : NaN;
  const rows: string[][] = TASK_NAMES.map((t) => [t, ...names.map((w) => fmt(med(w, t)))]);
  rows.push(['total', ...names.map((w) => fmt(total(w)))]);
  rows.push(['ratio to faster peer', ...names.map((w) => fmt(total(w) / bestPeer))]);
  const load = `load average (1 min) ${loads.map((l) => l.toFixed(2)).join(' -> ')}`;
  console.log(`\nStackLite six tasks, ${n.toLocaleString('en-US')} questions, ${rounds} interleaved round(s), seconds (median over rounds); ${load}\n`);
  table(['task', ...names], rows);
  console.log('\nCPU seconds of the contestant process (user + system, median over rounds; tsdask-cluster: client side only)\n');
  const cpuRows: string[][] = TASK_NAMES.map((t) => [t, ...names.map((w) => fmt(med(w, t, 'cpu')))]);
  cpuRows.push(['total', ...names.map((w) => fmt(total(w, 'cpu')))]);
  table(['task', ...names], cpuRows);
  console.log('');
  for (const w of names) console.log(`${w}: ${JSON.stringify(runs.get(w)![0].answers)}`);
}

const childArg = process.argv.indexOf('--child');
if (childArg >= 0) {
  childMain(process.argv[childArg + 1] as Contestant, arg('dir', '')).catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  });
} else driver();
