/**
 * One StackLite read timed on its own, repeated in one process: wall and CPU milliseconds
 * (user + system, all threads), median and best of the repeats after two warm-ups. For A/B
 * runs of a readCsv change: run it from each build's checkout in turn.
 *
 *   npx tsx bench/csv/one-read.ts --dir DIR [--scheduler threads|sync] [--read score|owners|isin|all|tag] [--repeats 8]
 *
 * score: questions.csv Score sum; owners: Task 5's owner table; isin: Task 4; all: isna().mean()
 * of every column of questions.csv; tag: question_tags.csv Tag valueCounts().
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { compute, shutdownSchedulers } from 'tsdask';
import * as dd from 'tsdask/dataframe';
import { ownerTable, QUESTION_DTYPES } from '../../examples/stackoverflow';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const READS = ['score', 'owners', 'isin', 'all', 'tag'] as const;
type Read = (typeof READS)[number];

async function main(): Promise<void> {
  const dir = arg('dir', '');
  if (dir === '') throw new Error('--dir DIR (a folder with questions.csv and question_tags.csv, e.g. from bench/js-peers/run.ts)');
  const scheduler = arg('scheduler', 'threads') as 'threads' | 'sync';
  const read = arg('read', 'score') as Read;
  if (!READS.includes(read)) throw new Error(`--read: one of ${READS.join(', ')}`);
  const repeats = Number(arg('repeats', '8'));
  const opts = { scheduler };
  const q = dd.readCsv(join(dir, 'questions.csv'), { dtype: QUESTION_DTYPES });
  const t = dd.readCsv(join(dir, 'question_tags.csv'));
  const run = (): Promise<unknown> => {
    switch (read) {
      case 'score':
        return compute(q.col('Score').sum(), opts);
      case 'owners':
        return ownerTable(q).nlargest(5, 'NumQuestions').compute(opts);
      case 'isin':
        return t.col('Id').isin(q.col('Id')).not().any().compute(opts);
      case 'all':
        return compute(q.isna().mean(), opts);
      case 'tag':
        return compute(t.col('Tag').valueCounts(), opts);
    }
  };
  const wall: number[] = [];
  const cpu: number[] = [];
  const load0 = loadavg()[0];
  for (let r = 0; r < repeats + 2; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await run();
    const c = process.cpuUsage(c0);
    if (r < 2) continue;
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1e3);
  }
  await shutdownSchedulers();
  const med = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1].toFixed(0);
  const best = (x: number[]) => Math.min(...x).toFixed(0);
  console.log(
    `${read} on ${scheduler}: wall median ${med(wall)} best ${best(wall)} ms; CPU median ${med(cpu)} best ${best(cpu)} ms; ` +
      `load ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
