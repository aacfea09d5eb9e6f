/**
 * bench/db-benchmark: db-benchmark's groupby task on its G1 table (default 1e7 rows; --rows
 * 1e6 for a quick run): the table is loaded once (tsdask: readCsv + persist; DuckDB: CREATE
 * TABLE; polars: readCSV), then the ten questions run, each answer checked against DuckDB's.
 *
 *   npx tsx bench/db-benchmark/run.ts [--rows 1e7] [--dir DIR] [--rounds 1] [--repeat 2]
 *                                     [--only tsdask-sync,tsdask-threads,tsdask-cluster,duckdb,polars]
 *
 * Each contestant runs in its own process with Node's default heap; rounds interleave the
 * contestants (the machine is shared) and the table shows medians over rounds of the best of
 * `repeat` runs of each question.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ComputeOptions, LocalCluster, shutdownSchedulers } from 'tsdask';
import * as dd from 'tsdask/dataframe';
import { fmt, table } from '../lib/peer.mjs';
import { generateGroupBy, tableName } from './generate';
import { type Check, QUESTIONS, sameCheck, sumOf, tsdaskCheck } from './questions';

const CONTESTANTS = ['tsdask-sync', 'tsdask-threads', 'tsdask-cluster', 'duckdb', 'polars'] as const;
type Contestant = (typeof CONTESTANTS)[number];

interface Result {
  contestant: string;
  load: number;
  seconds: Record<string, number>;
  checks: Record<string, Check>;
  errors: Record<string, string>;
  peak_mb: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const peakMb = () => process.resourceUsage().maxRSS / 1024;

/** Best of `repeat` runs of each question; a question that throws is recorded, and the run goes on. */
async function timeQuestions(
  repeat: number,
  run: (q: (typeof QUESTIONS)[number]) => Check | Promise<Check>,
): Promise<Pick<Result, 'seconds' | 'checks' | 'errors'>> {
  const out: Pick<Result, 'seconds' | 'checks' | 'errors'> = { seconds: {}, checks: {}, errors: {} };
  for (const q of QUESTIONS) {
    try {
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        const chk = await run(q);
        const s = (performance.now() - t0) / 1000;
        out.seconds[q.id] = Math.min(out.seconds[q.id] ?? Infinity, s);
        out.checks[q.id] = chk;
      }
    } catch (e) {
      out.errors[q.id] = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
    }
  }
  return out;
}

async function runTsdask(file: string, mode: 'sync' | 'threads' | 'cluster', repeat: number): Promise<Result> {
  let cluster: LocalCluster | undefined;
  let client: Client | undefined;
  let opts: ComputeOptions = { scheduler: mode === 'cluster' ? undefined : mode };
  if (mode === 'cluster') {
    cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, dashboardAddress: null });
    client = await Client.connect(cluster);
    opts = {};
  }
  try {
    const t0 = performance.now();
    const x = await dd.readCsv(file).persist(opts);
    const load = (performance.now() - t0) / 1000;
    const timed = await timeQuestions(repeat, (q) => tsdaskCheck(q, x, opts));
    return { contestant: `tsdask-${mode}`, load, ...timed, peak_mb: peakMb() };
  } finally {
    if (client) await client.shutdown();
    await shutdownSchedulers();
  }
}

async function runDuckdb(file: string, repeat: number): Promise<Result> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const t0 = performance.now();
  await con.run(`CREATE TABLE x AS SELECT * FROM read_csv_auto('${file.replaceAll("'", "''")}')`);
  const load = (performance.now() - t0) / 1000;
  const timed = await timeQuestions(repeat, async (q) => {
    await con.run(`CREATE OR REPLACE TEMP TABLE ans AS ${q.sql}`);
    const sums = q.values.map((c) => `sum(CASE WHEN isnan(${c}::DOUBLE) THEN NULL ELSE ${c}::DOUBLE END) AS ${c}`).join(', ');
    const row = (await con.runAndReadAll(`SELECT count(*)::DOUBLE AS n, ${sums} FROM ans`)).getRowObjectsJS()[0];
    const out: Check = { rows: Number(row.n), sums: {} };
    for (const c of q.values) out.sums[c] = Number(row[c]);
    return out;
  });
  return { contestant: 'duckdb', load, ...timed, peak_mb: peakMb() };
}

async function runPolars(file: string, repeat: number): Promise<Result> {
  const pl = (await import('nodejs-polars')).default;
  const t0 = performance.now();
  const x = pl.readCSV(file);
  const load = (performance.now() - t0) / 1000;
  const timed = await timeQuestions(repeat, (q) => {
    const ans = q.polars(pl, x);
    const out: Check = { rows: ans.height, sums: {} };
    for (const c of q.values) out.sums[c] = sumOf(Float64Array.from(ans.getColumn(c).cast(pl.Float64).toArray()));
    return out;
  });
  return { contestant: 'polars', load, ...timed, peak_mb: peakMb() };
}

async function childMain(who: Contestant, file: string, repeat: number): Promise<void> {
  let r: Result;
  if (who === 'duckdb') r = await runDuckdb(file, repeat);
  else if (who === 'polars') r = await runPolars(file, repeat);
  else r = await runTsdask(file, who.replace('tsdask-', '') as 'sync' | 'threads' | 'cluster', repeat);
  console.log(JSON.stringify(r));
}

// ---------------------------------------------------------------------------------------

function child(who: Contestant, file: string, repeat: number): Result | { error: string } {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', who, '--file', file, '--repeat', String(repeat)], {
    encoding: 'utf8',
    timeout: 60 * 60_000,
    maxBuffer: 64 << 20,
  });
  if (r.error || r.status !== 0) return { error: r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ').slice(0, 300) };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function driver(): void {
  const rows = Number(arg('rows', '1e7'));
  const dir = arg('dir', join(tmpdir(), 'tsdask-bench', 'db-benchmark'));
  const rounds = Number(arg('rounds', '1'));
  const repeat = Number(arg('repeat', '2'));
  const only = arg('only', CONTESTANTS.join(',')).split(',') as Contestant[];
  const file = join(dir, tableName(rows));
  if (!existsSync(file)) {
    console.log(`generating ${rows.toLocaleString('en-US')} rows in ${file} ...`);
    generateGroupBy(file, rows);
  }
  const runs = new Map<string, Result[]>();
  const failed = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    for (const who of only) {
      const r = child(who, file, repeat);
      if ('error' in r) failed.set(who, r.error);
      else runs.set(who, [...(runs.get(who) ?? []), r]);
    }
  }
  for (const [who, e] of failed) console.log(`${who}: process failed in some round: ${e}`);
  const names = [...runs.keys()];
  const ref = runs.get('duckdb')?.[0];
  // A contestant left out (--only) has no runs: NaN, so the peer columns just drop out.
  const med = (who: string, q: string) => median((runs.get(who) ?? []).map((r) => r.seconds[q]).filter((s) => s !== undefined));
  const rowsOut: string[][] = [];
  const peerBest = (q: string) => Math.min(med('duckdb', q) || Infinity, runs.has('polars') ? med('polars', q) : Infinity);
  for (const q of QUESTIONS) {
    const cells = names.map((who) => {
      const r = runs.get(who)![0];
      if (r.errors[q.id]) return 'error';
      const bad = ref && ref.checks[q.id] && r.checks[q.id] ? sameCheck(r.checks[q.id], ref.checks[q.id]) : undefined;
      return `${fmt(med(who, q.id))}${bad ? ' WRONG' : ''}`;
    });
    rowsOut.push([`${q.id} ${q.text}`, ...cells]);
  }
  const total = (who: string) => QUESTIONS.reduce((a, q) => a + (med(who, q.id) || 0), 0);
  rowsOut.push(['total (questions)', ...names.map((w) => fmt(total(w)))]);
  rowsOut.push(['load (read once)', ...names.map((w) => fmt(median(runs.get(w)!.map((r) => r.load))))]);
  rowsOut.push(['peak RSS MB (process)', ...names.map((w) => fmt(Math.max(...runs.get(w)!.map((r) => r.peak_mb)), 0))]);
  const best = QUESTIONS.reduce((a, q) => a + peerBest(q.id), 0);
  rowsOut.push(['ratio to faster peer', ...names.map((w) => (Number.isFinite(best) ? fmt(total(w) / best) : 'no peer run'))]);
  console.log(`\ndb-benchmark groupby, ${tableName(rows)}, ${rounds} round(s), best of ${repeat} per question, seconds (median over rounds)\n`);
  table(['question', ...names], rowsOut);
  for (const who of names) {
    const r = runs.get(who)![0];
    for (const [q, e] of Object.entries(r.errors)) console.log(`${who} ${q}: ${e}`);
    if (ref && who !== 'duckdb') {
      for (const q of QUESTIONS) {
        const bad = r.checks[q.id] && ref.checks[q.id] ? sameCheck(r.checks[q.id], ref.checks[q.id]) : undefined;
        if (bad) console.log(`${who} ${q.id}: answer differs from DuckDB's: ${bad}`);
      }
    }
  }
}

const childArg = process.argv.indexOf('--child');
if (childArg >= 0) {
  childMain(process.argv[childArg + 1] as Contestant, arg('file', ''), Number(arg('repeat', '2'))).catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  });
} else driver();
