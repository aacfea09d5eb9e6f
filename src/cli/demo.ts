/**
 * `npm start`: the seed course in one run. Generates a small StackLite-like dataset, starts a
 * LocalCluster (printing its dashboard link), runs the assignment's analysis on it with the
 * DataFrame API, then the delayed walkthrough, and shuts everything down.
 *
 *   tsdask demo [--questions N] [--workers N] [--dir DIR] [--keep-open SECONDS]
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, compute, delayed, LocalCluster } from '../index.js';
import * as dd from '../dataframe/index.js';
import { generateStackLite } from '../datasets/index.js';
import { ownerTable, tagTable } from './stacklite-tables.js';

function option(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

/** danfo frame -> rows for console.table. */
function rows(df: dd.DanfoDataFrame): Record<string, unknown>[] {
  const cols = df.columns;
  return (df.values as unknown[][]).map((r) => Object.fromEntries(cols.map((c, i) => [c, typeof r[i] === 'number' ? round(r[i]) : r[i]])));
}
const round = (x: number): number => Math.round(x * 1000) / 1000;

async function step<T>(title: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const v = await f();
  console.log(`\n${title}  (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
  return v;
}

export async function demo(argv: string[]): Promise<number> {
  const n = Number(option(argv, 'questions', '100000'));
  const nWorkers = Number(option(argv, 'workers', '2'));
  const dir = option(argv, 'dir', join(tmpdir(), 'tsdask-demo', `stacklite-${n}`));
  const keepOpen = Number(option(argv, 'keep-open', '0'));

  console.log('tsdask demo — the StackLite assignment on a local cluster\n');
  if (!existsSync(join(dir, 'questions.csv'))) {
    const g = generateStackLite(dir, { questions: n });
    console.log(`generated ${g.rows[0].toLocaleString('en-US')} questions and ${g.rows[1].toLocaleString('en-US')} tag rows in ${dir}`);
  } else {
    console.log(`using the dataset in ${dir}`);
  }

  const cluster = await LocalCluster.start({ nWorkers, threadsPerWorker: 1, memoryLimit: '1GB' });
  const client = await Client.connect(cluster);
  try {
    console.log(`\n${String(client)}`);
    console.log(`dashboard: ${client.dashboardLink ?? '(none)'}`);

    const blocksize = '1MB'; // several partitions even on the small default dataset
    const questions = dd.readCsv(join(dir, 'questions.csv'), {
      blocksize,
      dtype: { ClosedDate: 'string', DeletionDate: 'string', OwnerUserId: 'float64', AnswerCount: 'float64' },
    });
    const tags = dd.readCsv(join(dir, 'question_tags.csv'), { blocksize });
    console.log(`\n${String(questions)}`);

    const missing = await step('Task 1: % missing per column (questions)', () => questions.isna().mean().mul(100).compute());
    console.table(Object.fromEntries((missing.index as string[]).map((c, i) => [c, round((missing.values as number[])[i])])));

    const s = questions.col('Score');
    const [mean, std, median, min, max] = await step('Task 2: Score statistics', () => compute(s.mean(), s.std(), s.median(), s.min(), s.max()));
    console.table({ mean: round(mean), std: round(std), median, min, max });

    const top = await step('Task 3: top 5 tags by number of questions', () => tags.col('Tag').valueCounts().nlargest(5).compute());
    console.table(Object.fromEntries((top.index as string[]).map((k, i) => [k, (top.values as number[])[i]])));

    const dangling = await step('Task 4: do tags reference questions that do not exist? (1 = yes)', () =>
      tags.col('Id').isin(questions.col('Id')).not().any().compute(),
    );
    console.log(dangling ? 1 : 0);

    const owners = ownerTable(questions);
    console.table(rows(await step('Task 5: owners with the most questions', () => owners.nlargest(5, 'NumQuestions').compute())));

    const byTag = tagTable(questions, tags);
    console.table(rows(await step('Task 6: tags with the most questions (questions ⋈ tags)', () => byTag.nlargest(5, 'NumQuestions').compute())));

    const inc = (x: number): number => x + 1;
    const double = (x: number): number => x * 2;
    const add = (x: number, y: number): number => x + y;
    const total = delayed((xs: number[]) => xs.reduce((a, b) => a + b, 0), { name: 'sum' })(
      [1, 2, 3, 4, 5].map((x) => delayed(add)(delayed(inc)(x), delayed(double)(x))),
    );
    console.log(`\ndelayed: inc/double/add over [1..5], then sum = ${await total.compute()}`);

    if (keepOpen > 0) {
      console.log(`\nkeeping the cluster up for ${keepOpen} s: open ${client.dashboardLink}`);
      await new Promise((r) => setTimeout(r, keepOpen * 1000));
    }
  } finally {
    await client.close();
    await cluster.close();
  }
  return 0;
}
