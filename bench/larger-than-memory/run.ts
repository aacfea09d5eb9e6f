/**
 * bench/larger-than-memory: data larger than the cluster's memory, against DuckDB in the same run.
 *
 *   StackLite: `--parts` x 2 CSV files (questions and tags per part, disjoint Ids; default 12 parts
 *   of 2,000,000 questions: 24 files, ~1.9 GB) generated with tsdask/datasets; the seed's Tasks
 *   2, 3, 5 and 6 (examples/stackoverflow.ts) on a LocalCluster of 2 workers x 1 thread x
 *   memoryLimit 600MB, and in DuckDB (memory_limit 1200MB, threads 2) on the same files.
 *   Prints both times, the ratio, each worker's peak RSS (VmHWM of every worker process, also
 *   those a nanny restarted), nanny kills, and whether the answers equal DuckDB's.
 *
 *   Array: row means of random.normal(0, 1, [40000, 40000], chunks [4000, 4000]) (12.8 GB) on
 *   2 workers x 1 thread x 1GB, with each worker's peak RSS and the most results held at once.
 *
 *   npx tsx bench/larger-than-memory/run.ts [--parts 12] [--per-part 2000000] [--dir DIR]
 *        [--only stacklite|array] [--task-timeout 900] [--array-size 40000] [--array-chunk 4000]
 *        [--blocksize 64MB] (readCsv's; smaller blocks mean smaller partitions and shuffle pieces)
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client, LocalCluster } from 'tsdask';
import * as da from 'tsdask/array';
import * as dd from 'tsdask/dataframe';
import { generateStackLite } from 'tsdask/datasets';
import { QUESTION_DTYPES, TASKS, type StackTask } from '../../examples/stackoverflow';

const TASK_NAMES = ['t2', 't3', 't5', 't6'] as const;
type Row = Record<string, unknown>;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function vmHwm(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Peak RSS per worker slot, over every process that slot had (a nanny restarts a killed one). */
function watchPeaks(cluster: LocalCluster): { stop(): number[] } {
  const peaks = cluster.workers.map(() => 0);
  const look = () => cluster.workers.forEach((w, i) => (peaks[i] = Math.max(peaks[i], vmHwm(w.pid))));
  const timer = setInterval(look, 200);
  return {
    stop() {
      look();
      clearInterval(timer);
      return peaks;
    },
  };
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const out = await Promise.race([
    p,
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: no answer within ${ms / 1000} s`)), ms))),
  ]);
  clearTimeout(timer);
  return out;
}

function generate(dir: string, parts: number, perPart: number): void {
  for (let i = 0; i < parts; i++) {
    const sub = join(dir, `part-${String(i).padStart(2, '0')}`);
    if (existsSync(join(sub, 'question_tags.csv'))) continue;
    // Ids grow by at most 4 per question: parts never overlap.
    generateStackLite(sub, { questions: perPart, seed: 1000 + i, firstId: i * perPart * 4 + 1 });
    console.log(`generated ${sub}`);
  }
}

async function duck(dir: string): Promise<{ seconds: Record<string, number>; answers: Record<string, unknown> }> {
  const db = await DuckDBInstance.create(':memory:', { memory_limit: '1200MB', threads: '2' });
  const con = await db.connect();
  const q = `read_csv('${dir}/part-*/questions.csv', header = true, nullstr = 'NA', types = {'OwnerUserId': 'DOUBLE', 'AnswerCount': 'DOUBLE', 'Score': 'DOUBLE'})`;
  const t = `read_csv('${dir}/part-*/question_tags.csv', header = true)`;
  const rows = async (sql: string): Promise<Row[]> => (await con.runAndReadAll(sql)).getRowObjectsJS();
  const sqls: Record<string, string> = {
    t2: `SELECT avg(Score) AS mean, stddev_samp(Score) AS std, quantile_disc(Score, 0.5) AS median, min(Score) AS min, max(Score) AS max FROM ${q}`,
    t3: `SELECT Tag, count(*) AS n FROM ${t} GROUP BY Tag ORDER BY n DESC LIMIT 5`,
    t5: `SELECT OwnerUserId, avg(Score) AS AverageScore, count(Id) AS NumQuestions, sum(AnswerCount) AS NumAnswers FROM ${q} WHERE OwnerUserId IS NOT NULL GROUP BY OwnerUserId ORDER BY NumQuestions DESC LIMIT 5`,
    t6: `WITH m AS (SELECT q.Score, q.AnswerCount, q.Id, q.OwnerUserId, t.Tag FROM ${q} q JOIN ${t} t USING (Id)),
          g AS (SELECT Tag, avg(Score) AS AverageScore, sum(AnswerCount) AS NumAnswers, count(Id) AS NumQuestions, count(OwnerUserId) AS NumOwners FROM m GROUP BY Tag)
          SELECT 'q' AS by, * FROM (SELECT * FROM g ORDER BY NumQuestions DESC LIMIT 5)
          UNION ALL SELECT 'a' AS by, * FROM (SELECT * FROM g ORDER BY NumAnswers DESC LIMIT 5)`,
  };
  const seconds: Record<string, number> = {};
  const answers: Record<string, unknown> = {};
  for (const name of TASK_NAMES) {
    const t0 = performance.now();
    answers[name] = await rows(sqls[name]);
    seconds[name] = (performance.now() - t0) / 1000;
  }
  con.closeSync();
  return { seconds, answers };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
const num = (v: unknown) => Number(v);

/** Does tsdask's answer to a task equal DuckDB's? (top-5 lists compared on their counts: ties may order differently) */
function agree(name: string, ours: unknown, theirs: unknown): boolean {
  const d = theirs as Row[];
  switch (name) {
    case 't2': {
      const o = ours as Record<string, number>;
      return ['mean', 'std', 'median', 'min', 'max'].every((k) => close(o[k], num(d[0][k])));
    }
    case 't3': {
      const o = ours as Array<[string, number]>;
      return JSON.stringify(o.map(([k, v]) => [k, v])) === JSON.stringify(d.map((r) => [r.Tag, num(r.n)]));
    }
    case 't5': {
      const o = ours as Row[];
      return o.length === d.length && o.every((r, i) => num(r.NumQuestions) === num(d[i].NumQuestions));
    }
    case 't6': {
      const o = ours as { byQuestions: Row[]; byAnswers: Row[] };
      const dq = d.filter((r) => r.by === 'q');
      const dA = d.filter((r) => r.by === 'a');
      const same = (a: Row[], b: Row[], k: string) => a.length === b.length && a.every((r, i) => num(r[k]) === num(b[i][k]));
      return same(o.byQuestions, dq, 'NumQuestions') && same(o.byAnswers, dA, 'NumAnswers');
    }
  }
  return false;
}

async function stacklite(dir: string, timeoutMs: number, blocksize: string | undefined): Promise<void> {
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '600MB', dashboardAddress: null });
  const client = await Client.connect(cluster);
  const peaks = watchPeaks(cluster);
  const questions = dd.readCsv(join(dir, 'part-*/questions.csv'), { dtype: QUESTION_DTYPES, blocksize });
  const tags = dd.readCsv(join(dir, 'part-*/question_tags.csv'), { blocksize });
  console.log(`partitions: questions ${questions.npartitions}, tags ${tags.npartitions}${blocksize ? ` (blocksize ${blocksize})` : ''}`);
  const seconds: Record<string, number> = {};
  const answers: Record<string, unknown> = {};
  for (const name of TASK_NAMES) {
    const t0 = performance.now();
    const run: StackTask = TASKS[name];
    try {
      answers[name] = await withTimeout(run(questions, tags, {}), timeoutMs, name);
    } catch (e) {
      answers[name] = { error: e instanceof Error ? e.message : String(e) };
    }
    seconds[name] = (performance.now() - t0) / 1000;
    console.log(`tsdask ${name}: ${seconds[name].toFixed(1)} s`);
    if ('error' in (answers[name] as object)) {
      console.log(`  failed: ${(answers[name] as { error: string }).error}`);
      const state = cluster.scheduler.state;
      for (const w of state.workers.values())
        console.log(`  ${w.name}: ${w.status} ${w.pauseReason} (rss ${mb(w.metrics.rss)}, executing ${w.metrics.executing})`);
      break; // the cluster may be wedged: later tasks would measure that, not themselves
    }
  }
  const peak = peaks.stop();
  const kills = client.events.filter((e) => /killed by its nanny/.test(e));
  const pressure = cluster.scheduler.state.pressure;
  await client.close();
  await cluster.close();

  const d = await duck(dir);
  console.log('\ntask   tsdask s   duckdb s   ratio   equal');
  let ours = 0;
  let theirs = 0;
  for (const name of TASK_NAMES) {
    const s = seconds[name];
    if (s === undefined) continue;
    ours += s;
    theirs += d.seconds[name];
    const ok = 'error' in (answers[name] as object) ? 'failed' : agree(name, answers[name], d.answers[name]) ? 'yes' : 'NO';
    console.log(
      `${name.padEnd(6)} ${s.toFixed(1).padStart(8)} ${d.seconds[name].toFixed(1).padStart(10)} ${(s / d.seconds[name]).toFixed(2).padStart(7)}   ${ok}`,
    );
  }
  console.log(`total  ${ours.toFixed(1).padStart(8)} ${theirs.toFixed(1).padStart(10)} ${(ours / theirs).toFixed(2).padStart(7)}`);
  console.log(`worker peak RSS: ${peak.map(mb).join(', ')} (limit 600MB = ${mb(600e6)}); nanny kills: ${kills.length}${kills.length ? `: ${kills[0]}` : ''}`);
  console.log(`every worker paused: ${pressure.episodes} episode(s), ${pressure.forcedTotal} task(s) run anyway`);
  console.log(JSON.stringify({ tsdask: seconds, duckdb: d.seconds, peakRss: peak, kills: kills.length }));
}

async function array(size: number, chunk: number): Promise<void> {
  const cluster = await LocalCluster.start({ nWorkers: 2, threadsPerWorker: 1, memoryLimit: '1GB', dashboardAddress: null });
  const client = await Client.connect(cluster, { setAsDefault: false });
  const state = cluster.scheduler.state;
  const peaks = watchPeaks(cluster);
  let held = 0;
  const sample = setInterval(() => {
    let h = 0;
    for (const ts of state.tasks.values()) if (ts.state === 'memory') h += ts.nbytes;
    held = Math.max(held, h);
  }, 50);
  const x = da.random.normal(0, 1, { size: [size, size], chunks: [chunk, chunk], seed: 1 });
  const t0 = performance.now();
  const r = await x.mean({ axis: 1 }).compute({ scheduler: client });
  const s = (performance.now() - t0) / 1000;
  clearInterval(sample);
  const peak = peaks.stop();
  const kills = client.events.filter((e) => /killed by its nanny/.test(e));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of r.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  console.log(
    `array row means of ${size}x${size} (${((size * size * 8) / 1e9).toFixed(1)} GB) in ${chunk}x${chunk} chunks: ${s.toFixed(1)} s; ` +
      `${r.data.length} means in [${lo.toFixed(4)}, ${hi.toFixed(4)}]; worker peak RSS ${peak.map(mb).join(', ')} (limit 1GB = ${mb(1e9)}); ` +
      `most results held at once ${mb(held)}; nanny kills ${kills.length}; every-worker-paused episodes ${state.pressure.episodes} (${state.pressure.forcedTotal} run anyway)`,
  );
  await client.close();
  await cluster.close();
}

async function main(): Promise<void> {
  const only = arg('only', '');
  if (only !== 'array') {
    const parts = Number(arg('parts', '12'));
    const perPart = Number(arg('per-part', '2000000'));
    const dir = arg('dir', join(tmpdir(), 'tsdask-bench', `stacklite-ltm-${parts}x${perPart}`));
    generate(dir, parts, perPart);
    await stacklite(dir, Number(arg('task-timeout', '900')) * 1000, arg('blocksize', '') || undefined);
  }
  if (only !== 'stacklite') await array(Number(arg('array-size', '40000')), Number(arg('array-chunk', '4000')));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
