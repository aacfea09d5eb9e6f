/**
 * The disk shuffle (src/core/shuffle, src/dataframe/shuffle) on a LocalCluster of real
 * worker processes with a small memory limit: merge, groupby with many groups, sortValues,
 * setIndex and distinct give pandas' answers; the shuffle's pieces really go to files (seen
 * in the shuffle directory while it runs) while no worker holds more than a fraction of them
 * in memory; a worker SIGKILLed mid-shuffle (its files deleted with it) changes no answer;
 * and no shuffle file is left once the results are released.
 */
import { mkdtempSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Client, config, LocalCluster } from '../../src/index.js';
import { materialize } from '../../src/core/collection.js';
import * as dd from '../../src/dataframe/index.js';
import type { Frame } from '../../src/dataframe/frame.js';
import { getCell } from '../../src/dataframe/frame.js';
import { computeFrame } from './groupby-helpers.js';
import { pandas, withPandas } from './pandas-ref.js';
import { shuffleFiles, writeJoinData } from '../helpers/shuffle-disk.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-disk-shuffle-'));
const shuffleDir = join(dir, 'shuffle');

/** Rows as arrays in column order, sorted by the given columns (numbers compared as numbers). */
function tableRows(f: Frame, by: readonly number[], withIndex = false): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < f.length; i++) {
    const r: unknown[] = withIndex && f.index ? [getCell(f.index, i)] : [];
    for (const c of f.columns) r.push(getCell(c, i));
    out.push(r);
  }
  return by.length === 0 ? out : out.sort((a, b) => cmpBy(a, b, by));
}

function cmpBy(a: unknown[], b: unknown[], by: readonly number[]): number {
  for (const j of by) {
    const x = a[j] as number | string;
    const y = b[j] as number | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Keys of a collection's graph (to see which shuffle the plan chose). */
const graphKeys = (c: dd.DataFrame) => [...materialize([c.layer]).keys()];

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

withPandas('disk shuffle on a LocalCluster', () => {
  t.test('disk shuffle on a LocalCluster', async (t) => {
    const limit = 300_000_000;
    const cluster = await LocalCluster.start({
      nWorkers: 2,
      threadsPerWorker: 1,
      memoryLimit: limit,
      dashboardAddress: null,
      env: { TSDASK_SHUFFLE_DIR: shuffleDir },
    });
    const client = await Client.connect(cluster);
    t.teardown(() => client.shutdown());
    const state = cluster.scheduler.state;

    t.test('merge: chosen by default for a large shuffle, pieces on disk, memory bounded, pandas answer', async (t) => {
      const files = writeJoinData(dir, 'big', 600_000, 6000);
      const left = dd.readCsv(files.left, { blocksize: 400_000 });
      const right = dd.readCsv(files.right, { blocksize: 6000 });
      t.ok(left.npartitions >= 16 && right.npartitions >= 16, `${left.npartitions} x ${right.npartitions} input partitions`);
      const q = left.merge(right, { on: 'k', broadcast: false }).groupby('k').agg({ v: 'sum', w: 'sum', id: 'count' });
      const splits = graphKeys(q).filter((k) => k.includes('-disk-split-'));
      t.equal(splits.length, left.npartitions + right.npartitions, "with no config, the distributed plan of this merge uses the disk shuffle ('auto')");

      const peak = new Map<string, number>();
      let maxFiles = 0;
      let maxBytes = 0;
      // What a split leaves in worker memory: its result as the scheduler records it (the task
      // shuffle's would be the pieces themselves).
      let splitHeld = 0;
      let splitsSeen = 0;
      const watch = setInterval(() => {
        for (const w of state.workers.values()) peak.set(w.address, Math.max(peak.get(w.address) ?? 0, w.metrics.managed, w.nbytes));
        for (const [key, ts] of state.tasks)
          if (key.includes('-disk-split-') && ts.whoHas.length > 0) {
            splitsSeen++;
            splitHeld = Math.max(splitHeld, ts.nbytes);
          }
        const { count: n, bytes } = shuffleFiles(shuffleDir);
        maxFiles = Math.max(maxFiles, n);
        maxBytes = Math.max(maxBytes, bytes);
      }, 10);
      let got: Frame;
      try {
        got = await computeFrame(q, client);
      } finally {
        clearInterval(watch);
      }
      const want = pandas<unknown[][]>(
        `a = pd.read_csv(data["left"]); b = pd.read_csv(data["right"])
m = a.merge(b, on="k")
g = m.groupby("k").agg(v=("v", "sum"), w=("w", "sum"), id=("id", "count")).reset_index().sort_values("k")
out = g.values.tolist()`,
        files,
      );
      t.same(got.names, ['k', 'v', 'w', 'id']);
      t.same(tableRows(got, [0]), want, 'merge then groupby: pandas answer, every group');
      t.ok(maxFiles > 0 && maxBytes > 1_000_000, `the shuffle wrote ${maxFiles} piece files, up to ${maxBytes} bytes at once`);
      t.ok(splitsSeen > 0 && splitHeld < 10_000, `a split's result in memory is a file reference: at most ${splitHeld} bytes (seen ${splitsSeen} times)`);
      // What the workers hold (merge outputs included), by the scheduler's count of their results
      // and by their heartbeats: below the pieces' total. Heartbeats alone (1 s apart) can miss a
      // computation this short, so the scheduler's count, updated with every result, is sampled too.
      t.ok(
        [...peak.values()].some((p) => p > 0),
        `the samples saw what the workers hold (${[...peak.values()].join(', ')} bytes)`,
      );
      for (const [w, p] of peak) t.ok(p < maxBytes, `worker ${w}: at most ${p} managed bytes, under the ${maxBytes} bytes of shuffle files`);
      await until(() => shuffleFiles(shuffleDir).count === 0, 'the shuffle files to be removed');
      t.same(shuffleFiles(shuffleDir), { count: 0, bytes: 0 }, 'no shuffle file is left once the outputs are done');
    });

    t.test('groupby with many groups, sortValues, setIndex, distinct, left merge: pandas answers', async (t) => {
      const restore = config.set({ shuffle: 'disk' });
      t.teardown(restore);
      const files = writeJoinData(dir, 'small', 20_000, 3000);
      const left = dd.readCsv(files.left, { blocksize: 30_000 });
      const right = dd.readCsv(files.right, { blocksize: 8000 });
      t.ok(left.npartitions >= 8, `${left.npartitions} input partitions`);
      const g = left.groupby('k', { splitOut: 7 }).agg({ v: ['sum', 'max'], id: 'count' });
      const sorted = left.sortValues(['v', 'id'], { npartitions: 5 });
      const indexed = left.setIndex('id', { npartitions: 6 });
      const distinct = left.select(['k', 'v']).distinct({ splitOut: 4 });
      const joined = left.merge(right.filter(right.col('w').lt(4000)), { on: 'k', how: 'left', broadcast: false });
      for (const [name, c] of Object.entries({ g, sorted, indexed, distinct, joined })) {
        t.ok(
          graphKeys(c).some((k) => k.includes('-disk-split-')),
          `${name} is planned with the disk shuffle`,
        );
      }
      const [gg, ss, ii, uu, jj] = await Promise.all([g, sorted, indexed, distinct, joined].map((c) => computeFrame(c, client)));
      const want = pandas<Record<string, unknown[][]>>(
        `a = pd.read_csv(data["left"]); b = pd.read_csv(data["right"])
g = a.groupby("k").agg(v_sum=("v", "sum"), v_max=("v", "max"), id=("id", "count")).reset_index()
s = a.sort_values(["v", "id"])
i = a.set_index("id").sort_index()
u = a[["k", "v"]].drop_duplicates().sort_values(["k", "v"])
j = a.merge(b[b.w < 4000], on="k", how="left").sort_values(["id", "w"])
out = {"g": g.values.tolist(), "s": s.values.tolist(), "i": i.reset_index().values.tolist(), "u": u.values.tolist(),
       "j": [[r[0], r[1], r[2], None if r[3] != r[3] else r[3]] for r in j.values.tolist()]}`,
        files,
      );
      t.same(tableRows(gg, [0]), want.g, 'groupby(k, splitOut 7): every group');
      t.same(tableRows(ss, []), want.s, 'sortValues(v, id): the same order');
      t.same(tableRows(ii, [], true), want.i, 'setIndex(id): sorted by the index, the same rows');
      t.same(tableRows(uu, [0, 1]), want.u, 'distinct(k, v)');
      const jrows = tableRows(jj, [0, 3]).map((r) => r.map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v)));
      t.same(
        jrows.sort((a, b) => cmpBy(a, b, [0])),
        want.j.sort((a, b) => cmpBy(a, b, [0])),
        'left merge with unmatched rows',
      );
      await until(() => shuffleFiles(shuffleDir).count === 0, 'the shuffle files to be removed');
      t.same(shuffleFiles(shuffleDir), { count: 0, bytes: 0 }, 'no shuffle file is left');
    });

    t.test('a worker SIGKILLed during the shuffle, its files gone with it: the same answer', async (t) => {
      const restore = config.set({ shuffle: 'disk' });
      t.teardown(restore);
      const files = writeJoinData(dir, 'kill', 200_000, 4000);
      const left = dd.readCsv(files.left, { blocksize: 150_000 });
      const right = dd.readCsv(files.right, { blocksize: 8000 });
      const q = left.merge(right, { on: 'k', broadcast: false }).groupby('k').agg({ v: 'sum', w: 'sum', id: 'count' });
      const nSplits = graphKeys(q).filter((k) => k.includes('-disk-split-')).length;
      const want = pandas<unknown[][]>(
        `a = pd.read_csv(data["left"]); b = pd.read_csv(data["right"])
g = a.merge(b, on="k").groupby("k").agg(v=("v", "sum"), w=("w", "sum"), id=("id", "count")).reset_index().sort_values("k")
out = g.values.tolist()`,
        files,
      );
      const before = state.stream.length;
      const running = computeFrame(q, client);
      let settled = false;
      void running.then(
        () => (settled = true),
        () => (settled = true),
      );
      // Kill a worker only once it has written pieces and while outputs of the shuffle are still
      // pending (read from the scheduler's state in this process): the kill lands mid-shuffle.
      let victim: { pid: number; pendingOutputs: number; doneSplits: number } | undefined;
      const deadline = Date.now() + 60_000;
      while (victim === undefined) {
        if (settled) throw new Error('the query finished before a worker could be killed mid-shuffle');
        if (Date.now() > deadline) throw new Error('no worker was seen mid-shuffle within 60 s');
        const splits = [...state.tasks.values()].filter((ts) => ts.key.includes('-disk-split-'));
        const doneSplits = splits.filter((ts) => ts.state === 'memory').length;
        const outputs = [...state.tasks.values()].filter((ts) => /^merge-shuffle-(left|right)-[0-9a-f]+#/.test(ts.key));
        const pendingOutputs = outputs.filter((ts) => ts.state !== 'memory' && ts.state !== 'released').length;
        const holder = [...state.workers.values()].find((w) => [...w.hasWhat].some((ts) => ts.key.includes('-disk-split-')));
        if (holder !== undefined && doneSplits >= 4 && pendingOutputs > 0) {
          victim = { pid: holder.pid, pendingOutputs, doneSplits };
          process.kill(holder.pid, 'SIGKILL');
          // Its disk goes with it (as a lost machine's would): every piece it wrote must be recomputed.
          await until(() => !isAlive(holder.pid), 'the worker to die');
          for (const f of binFiles()) if (f.includes(`-${holder.pid}-`)) rmQuiet(f);
        } else await new Promise((r) => setTimeout(r, 5));
      }
      const got = await running;
      t.ok(
        victim.pendingOutputs > 0 && victim.doneSplits > 0,
        `killed with ${victim.doneSplits} split(s) written and ${victim.pendingOutputs} output(s) pending`,
      );
      t.same(tableRows(got, [0]), want, 'the same answer as pandas');
      const splitRuns = state.stream.slice(before).filter((e) => e.key.includes('-disk-split-')).length;
      t.ok(splitRuns > nSplits, `the lost pieces were recomputed: ${splitRuns} split runs for ${nSplits} splits`);
      await until(() => shuffleFiles(shuffleDir).count === 0, 'the shuffle files to be removed');
      t.same(shuffleFiles(shuffleDir), { count: 0, bytes: 0 }, 'no shuffle file is left');
    });
  });
});

function binFiles(): string[] {
  const out: string[] = [];
  for (const d of safeList(shuffleDir)) for (const f of safeList(join(shuffleDir, d))) out.push(join(shuffleDir, d, f));
  return out;
}

function safeList(d: string): string[] {
  try {
    return readdirSync(d);
  } catch {
    return [];
  }
}

function rmQuiet(f: string): void {
  try {
    unlinkSync(f);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
