/**
 * CSV read throughput: tsdask vs pandas vs danfo.js on the same generated StackLite files.
 *
 *   npx tsx bench/csv/run.ts [--questions 1000000] [--reps 3] [--data DIR]
 *
 * MB/s per core, measured as MB per CPU-second of the reading process: tsdask on the sync
 * scheduler (whole file as one block) and on threads (3 blocks per core; CPU of all threads),
 * pandas.read_csv (single-threaded C parser), danfo.readCSV (whole file, once: it takes
 * seconds per file).
 *
 * tsdask keeps high-cardinality text (timestamps, ids) as one raw entry per value and builds
 * the dictionary codes when a kernel first reads the column; "+ codes" reads the file and then
 * builds the codes of every string column, so that deferred work is shown too.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { generateStackLite } from '../../examples/data/generate.js';
import * as dd from '../../src/dataframe/index.js';
import { spawnSync } from 'node:child_process';
import { shutdownSchedulers } from '../../src/index.js';
import { materialize } from '../../src/core/collection.js';
import type { Task } from '../../src/core/graph.js';
import { readBlock } from '../../src/dataframe/io/csv/block.js';
import { fmt, hasPython, runPython, table } from '../lib/peer.mjs';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

const questions = Number(arg('questions', '1000000'));
const reps = Number(arg('reps', '3'));
const dataDir = arg('data', join(__dirname, 'results', `data-${questions}`));
const files = ['questions.csv', 'question_tags.csv'].map((f) => join(dataDir, f));

/**
 * Best-of-N CPU seconds (user + system, all threads of this process). CPU time rather than
 * wall time: MB per CPU-second is "MB/s per core", and it stays meaningful when other work
 * shares the machine. `fn` may be synchronous or return a promise (awaited either way).
 */
async function best(fn: () => unknown, n = reps): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    b = Math.min(b, (c.user + c.system) / 1e6);
  }
  return b;
}

/** Read a file as one block and build the codes of every string column (forces deferred work). */
function readWithCodes(f: string): number {
  const ddf = dd.readCsv(f, { blocksize: null });
  let codes = 0;
  for (const [key, node] of materialize([ddf.layer])) {
    if (!key.startsWith('read-csv-')) continue;
    const frame = readBlock(...((node as Task).args as Parameters<typeof readBlock>));
    for (const c of frame.columns) if (c.dtype === 'string') codes += c.data.length;
  }
  return codes;
}

async function main(): Promise<void> {
  if (!files.every(existsSync)) {
    console.log(`generating ${questions} StackLite questions into ${dataDir} ...`);
    generateStackLite(dataDir, { questions });
  }
  const cores = availableParallelism();
  type Row = { file: string; mb: number; sync: number; codes: number; threads: number; pandas?: number; danfo: number };
  const rows: Row[] = [];
  for (const f of files) {
    const mb = statSync(f).size / 1e6;
    // warm up the parser once (JIT), then measure
    await dd.readCsv(f, { blocksize: null }).length({ scheduler: 'sync' });
    const sync = await best(() => dd.readCsv(f, { blocksize: null }).length({ scheduler: 'sync' }));
    readWithCodes(f);
    const codes = await best(() => readWithCodes(f));
    // Blocks small enough that every core gets work, large enough to amortize per-task costs.
    const blocksize = Math.ceil(statSync(f).size / (3 * cores));
    await dd.readCsv(f, { blocksize }).length({ scheduler: 'threads' });
    const threads = await best(() => dd.readCsv(f, { blocksize }).length({ scheduler: 'threads' }));
    rows.push({ file: f, mb, sync: mb / sync, codes: mb / codes, threads: mb / threads, danfo: NaN });
  }
  const danfo = spawnSync(process.execPath, [join(__dirname, 'danfo_read.cjs'), ...files], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (danfo.status !== 0) throw new Error(`danfo peer failed:\n${danfo.stderr}`);
  const dr = JSON.parse(danfo.stdout.trim().split('\n').pop()!) as { files: Record<string, { seconds: number; bytes: number }> };
  for (const row of rows) row.danfo = dr.files[row.file].bytes / 1e6 / dr.files[row.file].seconds;
  if (hasPython(['pandas'])) {
    const r = runPython(join(__dirname, 'pandas_read.py'), [reps, ...files]) as { pandas: string; files: Record<string, { seconds: number; bytes: number }> };
    for (const row of rows) row.pandas = r.files[row.file].bytes / 1e6 / r.files[row.file].seconds;
    console.log(`pandas ${r.pandas} (/usr/bin/python3)`);
  } else console.log('pandas: not installed (apt-get install python3-pandas); its column shows n/a');
  console.log(`read throughput in MB per CPU-second = MB/s per core (best of ${reps}; ${cores} cores; danfo: one run)\n`);
  table(
    ['file', 'MB', 'tsdask 1 core', '+ codes', `tsdask threads/core`, 'pandas 1 core', 'danfo', 'tsdask/pandas', 'tsdask/danfo', '+ codes/danfo'],
    rows.map((r) => [
      r.file.split('/').pop()!,
      fmt(r.mb, 1),
      fmt(r.sync, 1),
      fmt(r.codes, 1),
      fmt(r.threads, 1),
      fmt(r.pandas, 1),
      fmt(r.danfo, 2),
      r.pandas ? `${fmt(r.sync / r.pandas)}x` : 'n/a',
      `${fmt(r.sync / r.danfo, 1)}x`,
      `${fmt(r.codes / r.danfo, 1)}x`,
    ]),
  );
  await shutdownSchedulers();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
