/**
 * Large values between the caller and process executors. Node's IPC cannot carry a message of
 * 2 GiB or more (the receiver died inside Node, uncatchably: "Unable to deserialize cloned
 * data"), so the process link sends big messages in pieces and reassembles them. The piece
 * size is set small here (TSDASK_IPC_PIECE_BYTES, internal) to prove the pieces path on
 * megabytes; one test moves a real result just over 2 GiB.
 */
import t from 'tap';
import { compute, delayed, shutdownSchedulers } from '../../src/index.js';
import { DataNode, type Graph, KeyRef, Task } from '../../src/core/graph.js';
import { ipcStats } from '../../src/executor/ipc.js';
import { LocalScheduler } from '../../src/schedulers/index.js';

t.teardown(shutdownSchedulers);

// Shipped by source text: each reads only its arguments.
function ramp(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (i % 1009) * 0.5 - i / 7;
  return a;
}
const expectedAt = (i: number): number => (i % 1009) * 0.5 - i / 7;

function total(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function words(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `word-${i}-${'x'.repeat(i % 50)}`);
}

function inc(x: number): number {
  return x + 1;
}

function bytes(n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 31) % 251;
  return a;
}

/** Indices to check: both ends, an even spread, and every piece boundary (+-2). */
function samples(n: number, pieceElems: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i < Math.min(n, 2000); i++) out.add(i);
  for (let i = Math.max(0, n - 2000); i < n; i++) out.add(i);
  for (let k = 0; k < 4096; k++) out.add(Math.floor((k / 4096) * n));
  for (let b = pieceElems; b < n; b += pieceElems) for (let d = -2; d <= 2; d++) if (b + d >= 0 && b + d < n) out.add(b + d);
  return [...out];
}

function mismatches(a: Float64Array, idx: readonly number[]): number[] {
  return idx.filter((i) => a[i] !== expectedAt(i));
}

t.test('messages over the piece size travel in pieces, both ways, in order', async (t) => {
  const piece = 64 * 1024;
  const before = process.env.TSDASK_IPC_PIECE_BYTES;
  process.env.TSDASK_IPC_PIECE_BYTES = String(piece);
  const scheduler = new LocalScheduler('processes', 'process');
  t.teardown(async () => {
    await scheduler.close();
    if (before === undefined) delete process.env.TSDASK_IPC_PIECE_BYTES;
    else process.env.TSDASK_IPC_PIECE_BYTES = before;
  });
  const run = async (nodes: Array<[string, (...a: never[]) => unknown, unknown[], string[]?]>, keys: string[]): Promise<unknown[]> => {
    const graph: Graph = new Map(nodes.map(([k, fn, args, deps]) => [k, new Task(fn, args, deps ?? [])]));
    return scheduler.run(graph, keys, { callbacks: [], numWorkers: 2 });
  };

  const n = 300_000; // 2.4 MB: 37 pieces of 64 KiB
  const received = ipcStats.receivedInPieces;
  const [a] = await run([['ramp', ramp, [n]]], ['ramp']);
  t.ok(a instanceof Float64Array && a.length === n, 'a Float64Array of the asked length');
  if (a instanceof Float64Array) {
    const all = Array.from({ length: n }, (_, i) => i);
    t.same(mismatches(a, all), [], 'every element equals the formula');
  }
  t.ok(ipcStats.receivedInPieces > received, `the result arrived in pieces (${ipcStats.receivedInPieces - received} messages)`);

  const input = new Float64Array(200_000).map((_, i) => (i % 13) - 6.5);
  let want = 0;
  for (const v of input) want += v;
  const sent = ipcStats.sentInPieces;
  const graph: Graph = new Map<string, Task | DataNode>([
    ['input', new DataNode(input)],
    ['sum', new Task(total, [new KeyRef('input')], ['input'])],
  ]);
  const [sum] = await scheduler.run(graph, ['sum'], { callbacks: [], numWorkers: 1 });
  t.equal(sum, want, 'a big input sent to the executor');
  t.ok(ipcStats.sentInPieces > sent, 'and it went in pieces');

  // Small and big results mixed in one compute, over both executors: each value is its own.
  const nodes: Array<[string, (...a: never[]) => unknown, unknown[]]> = [];
  for (let i = 0; i < 60; i++) nodes.push([`inc-${i}`, inc, [i]]);
  for (let i = 0; i < 4; i++) nodes.push([`ramp-${i}`, ramp, [20_000 + i * 10_000]]);
  nodes.push(['words', words, [20_000]], ['bytes', bytes, [500_000]]);
  const values = await run(
    nodes,
    nodes.map(([k]) => k),
  );
  for (let i = 0; i < 60; i++) t.equal(values[i], i + 1);
  for (let i = 0; i < 4; i++) {
    const r = values[60 + i];
    const len = 20_000 + i * 10_000;
    t.ok(r instanceof Float64Array && r.length === len && mismatches(r, samples(len, piece / 8)).length === 0, `ramp ${i} intact`);
  }
  const ws = values[64];
  t.ok(Array.isArray(ws) && ws.length === 20_000 && ws[19_999] === `word-19999-${'x'.repeat(19_999 % 50)}`, 'an array of strings in pieces');
  const bs = values[65];
  t.ok(bs instanceof Uint8Array && bs.length === 500_000 && bs.every((v, i) => v === (i * 31) % 251), 'bytes intact');
  t.same(await compute(delayed(inc)(41), { scheduler: 'processes' }), [42], 'the default pool still works');
});

const heavy = process.env.CI === 'true';
const heavyWhy = 'moves a result over 2 GiB (about 30 s and 9 GB of memory on a 2-core machine): runs under CI=true only';

t.test('a result just over 2 GiB on processes arrives whole, and the program goes on', { skip: heavy ? false : heavyWhy }, async (t) => {
  const n = 2 ** 28 + 1024; // 2 GiB + 8 KiB of float64
  const [a] = await compute(delayed(ramp)(n), { scheduler: 'processes', numWorkers: 1 });
  t.ok(a instanceof Float64Array, 'a Float64Array');
  if (!(a instanceof Float64Array)) return;
  t.equal(a.length, n);
  t.ok(a.byteLength > 2 ** 31, `${a.byteLength} bytes`);
  t.same(mismatches(a, samples(n, (256 * 1024 * 1024) / 8)), [], 'sampled elements equal the formula');
  t.same(await compute(delayed(inc)(1), { scheduler: 'processes' }), [2], 'the pool still works');
});

t.test('one buffer over 4 GiB fails its task with a catchable error that names the size', { skip: heavy ? false : heavyWhy }, async (t) => {
  const huge = (n: number): Float64Array => new Float64Array(n);
  await t.rejects(compute(delayed(huge)(2 ** 29 + 8), { scheduler: 'processes', numWorkers: 1 }), {
    name: 'SerializationError',
    message: /4294967360 bytes \(4\.00 GiB\).*threads scheduler/s,
  });
  t.same(await compute(delayed(inc)(2), { scheduler: 'processes' }), [3], 'the program and the pool go on');
});
