/**
 * The StackLite assignment (Parallelizing Python Processing with Dask, Tasks 1-8) in tsdask,
 * on StackLite-like data made by examples/data/generate.ts.
 *
 *   npx tsx examples/stackoverflow.ts                      # Tasks 1-6 on the threads scheduler
 *   npx tsx examples/stackoverflow.ts --scheduler processes
 *   npx tsx examples/stackoverflow.ts --cluster            # on a LocalCluster of 4 workers, then
 *                                                          # Tasks 7-8: kill 2 workers, repeat 5 and 6
 * Options: --questions N (default 200000)  --dir DIR  --blocksize 16MB  --workers 4
 * --kill-during (kill the two workers while Task 7 runs, not before)  --json (one JSON line
 * with every answer and timing, for tests)
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, compute, LocalCluster, shutdownSchedulers, type ComputeOptions } from 'tsdask';
import * as dd from 'tsdask/dataframe';
import { generateStackLite } from './data/generate';

/** As students write after read_csv's sample-based inference trips on late NA values. */
export const QUESTION_DTYPES = { ClosedDate: 'string', DeletionDate: 'string', OwnerUserId: 'float64', AnswerCount: 'float64' } as const;

type Row = Record<string, string | number | null>;

/** danfo frame -> plain rows (what gets printed and compared). */
function rowsOf(df: dd.DanfoDataFrame): Row[] {
  const cols = df.columns;
  return (df.values as unknown[][]).map((r) => Object.fromEntries(cols.map((c, i) => [c, clean(r[i])])));
}
function clean(v: unknown): string | number | null {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  // danfo cells are otherwise booleans or Dates, which print as themselves; anything else as JSON.
  return typeof v === 'boolean' || v instanceof Date ? String(v) : JSON.stringify(v);
}
/** danfo series -> { label: value }. */
function byLabel(s: dd.DanfoSeries): Record<string, number | null> {
  const idx = s.index;
  const vals = s.values as number[];
  return Object.fromEntries(idx.map((k, i) => [String(k), clean(vals[i]) as number | null]));
}

export interface Answers {
  t1: { questions: Record<string, number | null>; tags: Record<string, number | null> };
  t2: { mean: number; std: number; median: number; min: number; max: number };
  t3: Array<[string, number]>;
  t4: number;
  t5: Row[];
  t6: { byQuestions: Row[]; byAnswers: Row[] };
}

export function readTables(dir: string, blocksize?: string): { questions: dd.DataFrame; tags: dd.DataFrame } {
  return {
    questions: dd.readCsv(join(dir, 'questions.csv'), { dtype: QUESTION_DTYPES, blocksize }),
    tags: dd.readCsv(join(dir, 'question_tags.csv'), { blocksize }),
  };
}

/** Task 5's owner table: grouped by OwnerUserId. */
export function ownerTable(questions: dd.DataFrame): dd.DataFrame {
  return questions.groupby('OwnerUserId').agg({
    AverageScore: { column: 'Score', agg: 'mean' },
    NumQuestions: { column: 'Id', agg: 'count' },
    NumAnswers: { column: 'AnswerCount', agg: 'sum' },
  });
}

/** Task 6's tag table: questions merged with tags on Id, grouped by Tag. */
export function tagTable(questions: dd.DataFrame, tags: dd.DataFrame): dd.DataFrame {
  return questions
    .merge(tags, { on: 'Id' })
    .groupby('Tag')
    .agg({
      AverageScore: { column: 'Score', agg: 'mean' },
      NumAnswers: { column: 'AnswerCount', agg: 'sum' },
      NumQuestions: { column: 'Id', agg: 'count' },
      NumOwners: { column: 'OwnerUserId', agg: 'count' },
    });
}

/** One task: both tables in, the answer out. */
export type StackTask = (q: dd.DataFrame, t: dd.DataFrame, opts: ComputeOptions) => Promise<unknown>;

/**
 * The six tasks, each computed on its own as the assignment does (no persist). Arrow
 * functions, not methods: callers take them out of the object and call them bare.
 */
export const TASKS = {
  /** Task 1: percentage of missing values per column, both tables. */
  t1: async (q: dd.DataFrame, t: dd.DataFrame, opts: ComputeOptions): Promise<Answers['t1']> => {
    const [a, b] = await compute(q.isna().mean().mul(100), t.isna().mean().mul(100), opts);
    return { questions: byLabel(a), tags: byLabel(b) };
  },
  /** Task 2: mean, standard deviation, median, min and max of Score. */
  t2: async (q: dd.DataFrame, _t: dd.DataFrame, opts: ComputeOptions): Promise<Answers['t2']> => {
    const s = q.col('Score');
    const [mean, std, median, min, max] = await compute(s.mean(), s.std(), s.median(), s.min(), s.max(), opts);
    return { mean, std, median, min, max };
  },
  /** Task 3: the five tags with the most questions. */
  t3: async (_q: dd.DataFrame, t: dd.DataFrame, opts: ComputeOptions): Promise<Answers['t3']> => {
    const top = await t.col('Tag').valueCounts().nlargest(5).compute(opts);
    return Object.entries(byLabel(top)).map(([k, v]) => [k, v as number]);
  },
  /** Task 4: 1 if some question Id in the tags table is missing from the questions table. */
  t4: async (q: dd.DataFrame, t: dd.DataFrame, opts: ComputeOptions): Promise<number> => {
    const dangling = await t.col('Id').isin(q.col('Id')).not().any().compute(opts);
    return dangling ? 1 : 0;
  },
  /** Task 5: the owner table's top 5 by number of questions. */
  t5: async (q: dd.DataFrame, _t: dd.DataFrame, opts: ComputeOptions): Promise<Row[]> => {
    return rowsOf(await ownerTable(q).nlargest(5, 'NumQuestions').compute(opts));
  },
  /** Task 6: the tag table's top 5 by questions and by answers. */
  t6: async (q: dd.DataFrame, t: dd.DataFrame, opts: ComputeOptions): Promise<Answers['t6']> => {
    const table = tagTable(q, t);
    const [a, b] = await compute(table.nlargest(5, 'NumQuestions'), table.nlargest(5, 'NumAnswers'), opts);
    return { byQuestions: rowsOf(a), byAnswers: rowsOf(b) };
  },
} satisfies Record<string, StackTask>;

export type TaskName = keyof typeof TASKS;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, (performance.now() - t0) / 1000];
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

async function main(): Promise<void> {
  const n = Number(arg('questions', '200000'));
  const dir = arg('dir') ?? join(tmpdir(), 'tsdask-examples', `stacklite-${n}`);
  const json = flag('json');
  const say = (...x: unknown[]) => {
    if (!json) console.log(...x);
  };
  if (!existsSync(join(dir, 'questions.csv'))) {
    say(`generating ${n.toLocaleString('en-US')} StackLite-like questions in ${dir} ...`);
    generateStackLite(dir, { questions: n });
  }
  const { questions, tags } = readTables(dir, arg('blocksize'));
  say(String(questions));
  say(String(tags));

  const useCluster = flag('cluster');
  let cluster: LocalCluster | undefined;
  let client: Client | undefined;
  let opts: ComputeOptions = { scheduler: (arg('scheduler') ?? 'threads') as ComputeOptions['scheduler'] };
  if (useCluster) {
    cluster = await LocalCluster.start({ nWorkers: Number(arg('workers', '4')), threadsPerWorker: 1, dashboardAddress: json ? null : ':8787' });
    client = await Client.connect(cluster);
    say(String(client));
    opts = {}; // a connected Client is the default scheduler
  }

  const answers: Partial<Answers> = {};
  let killedMidRun: boolean | undefined;
  const seconds: Record<string, number> = {};
  try {
    for (const name of Object.keys(TASKS) as TaskName[]) {
      const run: StackTask = TASKS[name];
      const [v, s] = await timed(() => run(questions, tags, opts));
      (answers as Record<string, unknown>)[name] = v;
      seconds[name] = s;
      say(`\nTask ${name.slice(1)} (${s.toFixed(2)} s)`);
      say(v);
    }
    if (cluster && client) {
      // Tasks 7 and 8: two of the four workers go away (like ^C on vm3); the scheduler notices
      // and the same queries run on the two that are left.
      const victims = cluster.workers.slice(2);
      const pids = victims.map((w) => w.pid ?? '?').join(', ');
      const kill = () =>
        Promise.all(
          victims.map((w) => {
            const stopped = w.stop(); // no restart: the nanny is going away too
            w.kill('SIGKILL');
            return stopped;
          }),
        );
      const during = flag('kill-during');
      let killedAt = NaN;
      if (!during) {
        await kill();
        say(`\nkilled workers ${pids} (SIGKILL)`);
      }
      for (const [task, repeat] of [
        ['t7', 't5'],
        ['t8', 't6'],
      ] as const) {
        const run: StackTask = TASKS[repeat];
        const running = timed(() => run(questions, tags, opts));
        let killing: Promise<unknown> | undefined;
        if (during && task === 't7') {
          // Mid-run: a quarter of the way into what Task 5 took on four workers.
          const start = performance.now();
          await new Promise((r) => setTimeout(r, (seconds.t5 * 1000) / 4));
          killedAt = performance.now() - start;
          killing = kill();
        }
        const [v, s] = await running;
        await killing;
        if (task === 't7' && during) {
          killedMidRun = killedAt < s * 1000;
          say(`\nkilled workers ${pids} (SIGKILL) ${Math.round(killedAt)} ms into Task 7 (which took ${Math.round(s * 1000)} ms)`);
        }
        (answers as Record<string, unknown>)[task] = v;
        seconds[task] = s;
        const same = JSON.stringify(v) === JSON.stringify(answers[repeat]);
        say(
          `\nTask ${task.slice(1)} = Task ${repeat.slice(1)} on 2 workers (${s.toFixed(2)} s, was ${seconds[repeat].toFixed(2)} s on 4); same answer: ${same}`,
        );
        say(v);
      }
      const info = await client.schedulerInfo();
      say(`workers left: ${info.workerList.length}`);
    }
  } finally {
    if (client) await client.shutdown();
    await shutdownSchedulers();
  }
  if (json) console.log(JSON.stringify({ dir, seconds, answers, killedMidRun }));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
