/**
 * Memory limits with real worker processes: results spill to disk above the target and come
 * back intact; a worker above its pause fraction that is stuck there (nothing to spill,
 * nothing running) runs what it holds one at a time instead of waiting forever, and resumes
 * once its memory drops; a worker that exceeds its limit is killed and restarted by its
 * nanny, the user is told why, and the computation still finishes.
 */
import t from 'tap';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localClient } from '../helpers/local-client.js';

t.test('spill to disk above the memory target', async (t) => {
  const { cluster, client } = await localClient(t, { nWorkers: 1, memoryLimit: '400MB' });
  // 16 results of 20 MB = 320 MB, above the 60% target of 400 MB.
  const block = (i: number) => new Float64Array(2_500_000).fill(i);
  const blocks = client.map(
    block,
    Array.from({ length: 16 }, (_, i) => i),
  );
  const first = (a: Float64Array) => a[0] + a[a.length - 1];
  const firsts = blocks.map((b) => client.submit(first, b));
  t.same(
    await client.gather(firsts),
    Array.from({ length: 16 }, (_, i) => 2 * i),
    'values read back from disk are intact',
  );
  const w = [...cluster.scheduler.state.workers.values()][0];
  // The spill figures arrive with a heartbeat: wait for it, not for a time.
  await until(() => w.metrics.spilledCount > 0, 'a heartbeat reporting spilled results');
  t.ok(w.metrics.spilledCount > 0, `results were spilled (${w.metrics.spilledCount} of 16)`);
  const back = (await blocks[0].result()) as Float64Array;
  t.equal(back.length, 2_500_000);
  t.equal(back[123], 0);
});

t.test('a worker over its memory limit is restarted and the computation finishes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-mem-'));
  const marker = join(dir, 'already-tried');
  const { cluster, client } = await localClient(t, { nWorkers: 1, memoryLimit: '300MB' }, { quiet: true });
  // The first attempt grabs far more than the limit and holds it; the retry is modest.
  const hog = async (path: string) => {
    const fs = process.getBuiltinModule('node:fs');
    if (!fs.existsSync(path)) {
      fs.writeFileSync(path, 'x');
      const chunks = [];
      for (let i = 0; i < 8; i++) chunks.push(Buffer.alloc(50_000_000, 1));
      await new Promise((r) => setTimeout(r, 10_000));
      return chunks.length;
    }
    return 1;
  };
  const pid0 = cluster.workers[0].pid;
  const inc = (x: number) => x + 1;
  const before = client.map(inc, [1, 2, 3]);
  t.same(await client.gather(before), [2, 3, 4]);
  const f = client.submit(hog, marker);
  t.equal(await f.result(), 1, 'the retry on the restarted worker succeeds');
  t.ok(existsSync(marker));
  t.not(cluster.workers[0].pid, pid0, 'the nanny started a new worker process');
  t.match(client.events.join('\n'), /killed by its nanny: it used .* over 95% of its 286\.10 MiB memory limit/, 'the client was told why');
  t.same(await client.gather(client.map(inc, [10, 20])), [11, 21], 'the new worker serves');
});

t.test('a paused worker with nothing to spill and nothing running still runs the tasks it holds, then resumes once memory drops', async (t) => {
  // Tasks report to this process over loopback: the hog takes commands, the followers say when they start.
  const events: string[] = [];
  let hogSocket: Socket | undefined;
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === 'hog') hogSocket = sock;
        events.push(line);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as { port: number }).port;
  const send = (cmd: string) => {
    events.push(`sent ${cmd}`);
    hogSocket!.write(`${cmd}\n`);
  };

  const limit = 500_000_000;
  // One worker, paused with work queued: the scheduler's way out (run a task anyway) is held off, to see the pause itself.
  const { cluster, client } = await localClient(t, { nWorkers: 1, threadsPerWorker: 1, memoryLimit: limit, pausedGraceMs: 600_000 });
  const state = cluster.scheduler.state;
  const worker = [...state.workers.values()][0];

  // Holds the worker's only task slot; on command fills the process to 87% of the limit with
  // memory outside the worker's store (nothing to spill), returns while keeping it, drops it later.
  const hog = (port: number, limit: number) =>
    new Promise<string>((resolve, reject) => {
      const g = globalThis as { ballast?: Buffer };
      const sock = process.getBuiltinModule('node:net').connect(port, '127.0.0.1', () => sock.write('hog\n'));
      let buf = '';
      sock.on('error', reject);
      sock.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const cmd = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (cmd === 'allocate') {
            const need = Math.floor(0.87 * limit) - process.memoryUsage.rss();
            if (need <= 0) return reject(new Error(`the worker already uses ${process.memoryUsage.rss()} bytes of its ${limit} limit`));
            g.ballast = Buffer.alloc(need, 1);
            sock.write(`allocated ${need}\n`);
          } else if (cmd === 'finish') resolve('held');
          else if (cmd === 'drop') {
            g.ballast = undefined;
            sock.end('dropped\n');
          }
        }
      });
    });
  const follower = (port: number, i: number) =>
    new Promise<number>((resolve, reject) => {
      const sock = process.getBuiltinModule('node:net').connect(port, '127.0.0.1', () => sock.end(`started ${i}\n`));
      sock.on('error', reject);
      sock.on('close', () => resolve(i * 10));
    });

  const held = client.submit(hog, port, limit);
  await until(() => hogSocket !== undefined, 'the hog task to start');
  const followers = [1, 2].map((i) => client.submit(follower, port, i));
  const onWorker = () => followers.map((f) => state.tasks.get(f.key)).every((ts) => ts?.state === 'processing' && ts.processingOn === worker);
  await until(onWorker, 'both followers to be handed to the worker (they wait for its one slot)');

  send('allocate');
  await until(() => worker.status === 'paused', 'the worker to report itself paused');
  t.match(
    state.log.map((l) => l.text).join('\n'),
    /worker \S+ paused: process memory \S+ \S+ is above 80% of the 476\.84 MiB limit/,
    'the scheduler was told why',
  );

  // The slot frees up while memory stays high and nothing is left to spill: waiting cannot
  // free memory a task keeps (Dask's paused-forever), so the worker runs its held followers
  // one at a time anyway, though paused and with the scheduler's forced runs held off.
  send('finish');
  t.equal(await held.result(), 'held');
  t.same(await client.gather(followers), [10, 20], 'the held followers ran although the worker is paused');
  t.equal(worker.status, 'paused', 'still paused: its memory did not drop');
  t.equal(state.pressure.forcedTotal, 0, 'the worker itself ran them, not the scheduler');
  const started = events.filter((e) => e.startsWith('started'));
  t.same(started, ['started 1', 'started 2'], 'in priority order');
  t.notOk(events.includes('sent drop'), 'before any memory was released');

  send('drop');
  await until(() => worker.status === 'running', 'the worker to resume once memory drops');
  t.match(state.log.map((l) => l.text).join('\n'), /worker \S+ resumed/);
  t.same(await client.gather(client.map((x: number) => x * 2, [1, 2, 3])), [2, 4, 6], 'resumed, it runs new work');
});

/** Wait for a condition of the cluster's state (no timing claim: the deadline only ends a hang). */
async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
