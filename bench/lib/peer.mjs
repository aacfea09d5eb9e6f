// Running the Python peers (Dask, pandas) side by side with tsdask, and printing ratio tables.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = process.env.TSDASK_BENCH_PYTHON ?? '/usr/bin/python3';

/** Whether the Debian Python has the modules a peer needs. */
export function hasPython(modules) {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
  return r.status === 0;
}

/** Run a Python peer script that prints one JSON object on its last stdout line. */
export function runPython(script, args = [], { timeoutMs = 20 * 60_000 } = {}) {
  const r = spawnSync(PYTHON, [script, ...args.map(String)], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}):\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop();
  return JSON.parse(last);
}

/** Print a table: rows of [label, ...cells]. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const [n, r] of all.entries()) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

export const fmt = (x, digits = 2) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
