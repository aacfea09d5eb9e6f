/**
 * One db-benchmark question timed alone (for `node --cpu-prof`): the table is loaded once with
 * readCsv + persist, then the question runs `--repeat` times; each run's wall and CPU seconds
 * are printed with the check (row count, value sums) for comparing against run.ts's DuckDB.
 *
 *   npx tsx bench/db-benchmark/profile.ts --rows 1e6 --question q3 [--repeat 5] [--scheduler sync]
 *   node --cpu-prof --cpu-prof-dir DIR --import tsx bench/db-benchmark/profile.ts ...
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shutdownSchedulers } from 'tsdask';
import * as dd from 'tsdask/dataframe';
import { generateGroupBy, tableName } from './generate';
import { QUESTIONS, tsdaskCheck } from './questions';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const rows = Number(arg('rows', '1e6'));
  const id = arg('question', 'q3');
  const repeat = Number(arg('repeat', '5'));
  const scheduler = arg('scheduler', 'sync') as 'sync' | 'threads';
  const q = QUESTIONS.find((x) => x.id === id);
  if (!q) throw new Error(`--question ${id}: no such question; one of ${QUESTIONS.map((x) => x.id).join(', ')}`);
  const file = join(arg('dir', join(tmpdir(), 'tsdask-bench', 'db-benchmark')), tableName(rows));
  if (!existsSync(file)) generateGroupBy(file, rows);
  const opts = { scheduler };
  let t0 = performance.now();
  const x = await dd.readCsv(file).persist(opts);
  console.log(`load ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  try {
    for (let r = 0; r < repeat; r++) {
      t0 = performance.now();
      const c0 = process.cpuUsage();
      const chk = await tsdaskCheck(q, x, opts);
      const cpu = process.cpuUsage(c0);
      const wall = (performance.now() - t0) / 1000;
      console.log(`${id} run ${r + 1}: wall ${wall.toFixed(3)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s, ${JSON.stringify(chk)}`);
    }
  } finally {
    await shutdownSchedulers();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
