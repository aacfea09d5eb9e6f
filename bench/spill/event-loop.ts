/**
 * Event-loop delay while a worker's store spills a lot at once: the store's spill writes run
 * on libuv's thread pool, so timers (heartbeats, peer requests) keep firing meanwhile.
 * Fills a DataStore with `--mb` MB of Float64Array results, asks it to spill all, and samples
 * the event loop's delay (a 1 ms timer's lateness, perf_hooks) until every file is written.
 *
 *   npx tsx bench/spill/event-loop.ts [--mb 512] [--store path/to/store.ts]
 *
 * `--store` runs another version of the store (e.g. main's, with synchronous writes) to compare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

interface StoreLike {
  setValue(key: string, value: unknown): unknown;
  spillUntil(target: number): number;
  spilledCount: number;
  removeSpillDir(): void;
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

async function main(): Promise<void> {
  const mb = Number(arg('mb', '512'));
  const storePath = resolve(arg('store', 'src/distributed/worker/store.ts'));
  const mod: unknown = await import(pathToFileURL(storePath).href);
  const Ctor = (mod as { DataStore: new (dir: string) => StoreLike }).DataStore;
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-spill-bench-'));
  const store = new Ctor(join(dir, 'spill'));
  const blockMb = 16;
  const n = Math.max(1, Math.round(mb / blockMb));
  for (let i = 0; i < n; i++) store.setValue(`block-${i}`, new Float64Array((blockMb * 2 ** 20) / 8).fill(i));

  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The longest gap between 1 ms ticks: what a heartbeat or a peer request would wait at worst.
  let last = performance.now();
  let worstGap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 50));
  const t0 = performance.now();
  const callMs = (() => {
    const s = performance.now();
    store.spillUntil(0);
    return performance.now() - s;
  })();
  while (store.spilledCount < n) await new Promise((r) => setTimeout(r, 1));
  const totalMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(tick);
  h.disable();
  store.removeSpillDir();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `${storePath.replace(process.cwd() + '/', '')}: spilled ${n * blockMb} MB in ${n} files in ${totalMs.toFixed(0)} ms; ` +
      `spillUntil held the event loop ${callMs.toFixed(1)} ms; worst gap between 1 ms timer ticks ${worstGap.toFixed(1)} ms; ` +
      `event-loop delay p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`,
  );
}

void main();
