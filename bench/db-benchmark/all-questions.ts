/**
 * Every db-benchmark question in one process, for A/B runs: the table is loaded once with
 * readCsv + persist, then each question runs `repeat` times; the best CPU seconds (process,
 * all threads) and wall seconds of each are printed with the check, and the totals. CPU time
 * is the steadier figure on a shared machine.
 *
 *   npx tsx bench/db-benchmark/all-questions.ts [--rows 1e7] [--repeat 2] [--scheduler sync]
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
  const rows = Number(arg('rows', '1e7'));
  const repeat = Number(arg('repeat', '2'));
  const opts = { scheduler: arg('scheduler', 'sync') as 'sync' | 'threads' };
  const file = join(arg('dir', join(tmpdir(), 'tsdask-bench', 'db-benchmark')), tableName(rows));
  if (!existsSync(file)) generateGroupBy(file, rows);
  const x = await dd.readCsv(file).persist(opts);
  let totalCpu = 0;
  let totalWall = 0;
  try {
    for (const q of QUESTIONS) {
      let cpu = Infinity;
      let wall = Infinity;
      let chk = '';
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        chk = JSON.stringify(await tsdaskCheck(q, x, opts));
        const c = process.cpuUsage(c0);
        cpu = Math.min(cpu, (c.user + c.system) / 1e6);
        wall = Math.min(wall, (performance.now() - t0) / 1000);
      }
      totalCpu += cpu;
      totalWall += wall;
      console.log(`${q.id} cpu ${cpu.toFixed(3)} wall ${wall.toFixed(3)} ${chk}`);
    }
    console.log(`total cpu ${totalCpu.toFixed(2)} wall ${totalWall.toFixed(2)}`);
  } finally {
    await shutdownSchedulers();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
