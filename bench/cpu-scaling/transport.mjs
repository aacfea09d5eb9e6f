// Why the processes executor talks over Node's IPC channel with V8 serialization: the
// candidates measured side by side. Small: batches of B task-like tuples, round trip, µs per
// tuple. Large: one 80 MB Float64Array from child to parent, ms.
// Usage: node bench/cpu-scaling/transport.mjs [--batch 1000] [--rounds 200]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { fmt, table } from '../lib/peer.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const B = arg('batch', 1000);
const ROUNDS = arg('rounds', 200);
const LARGE = 10_000_000;

// ---- child side (this same file, started with --child MODE) -----------------------------
if (process.argv.includes('--child')) {
  const mode = process.argv[process.argv.indexOf('--child') + 1];
  const reply = (m) => (m.big ? { a: new Float64Array(LARGE).fill(1.5) } : { done: m.tasks.map((t) => [t[0], 1.5]) });
  if (mode === 'pipe') {
    const { createReadStream, createWriteStream } = await import('node:fs');
    const out = createWriteStream(null, { fd: 4 });
    readFrames(createReadStream(null, { fd: 3 }), (m) => writeFrame(out, reply(m)));
  } else {
    process.on('message', (m) => process.send(reply(m)));
  }
} else {
  await main();
}

function writeFrame(stream, value) {
  const body = serialize(value);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);
  stream.write(head);
  stream.write(body);
}

function readFrames(stream, onMessage) {
  let chunks = [];
  let have = 0;
  let need = -1; // body length of the frame being read, once its 4-byte header is in
  stream.on('data', (d) => {
    chunks.push(d);
    have += d.length;
    for (;;) {
      if (need < 0) {
        if (have < 4) return;
        if (chunks[0].length < 4) chunks = [Buffer.concat(chunks)];
        need = chunks[0].readUInt32LE(0);
      }
      if (have < 4 + need) return; // concatenate only once the whole frame is here
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      onMessage(deserialize(buf.subarray(4, 4 + need)));
      const rest = buf.subarray(4 + need);
      chunks = rest.length > 0 ? [rest] : [];
      have = rest.length;
      need = -1;
    }
  });
}

function batch() {
  return { tasks: Array.from({ length: B }, (_, i) => [`inc-3f2a9c0d1e7b6a5f4c3d2e1f${i}`, i, [i, { x: i }], 0]) };
}

async function viaIpc(serialization, large = true) {
  const child = fork(fileURLToPath(import.meta.url), ['--child', 'ipc'], { serialization });
  const ask = (m) =>
    new Promise((res) => {
      child.once('message', res);
      child.send(m);
    });
  return measure(ask, () => child.kill(), large);
}

async function viaPipe() {
  const child = fork(fileURLToPath(import.meta.url), ['--child', 'pipe'], { stdio: ['inherit', 'inherit', 'inherit', 'pipe', 'pipe', 'ipc'] });
  let waiting;
  readFrames(child.stdio[4], (m) => waiting(m));
  const ask = (m) =>
    new Promise((res) => {
      waiting = res;
      writeFrame(child.stdio[3], m);
    });
  return measure(ask, () => child.kill());
}

async function viaThread() {
  const code = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (!m.big) return parentPort.postMessage({ done: m.tasks.map((t) => [t[0], 1.5]) });
  const a = new Float64Array(${LARGE}).fill(1.5);
  parentPort.postMessage({ a }, m.transfer ? [a.buffer] : []);
});`;
  const w = new Worker(code, { eval: true });
  const ask = (m) =>
    new Promise((res) => {
      w.once('message', res);
      w.postMessage(m);
    });
  const small = await measure(ask, () => undefined);
  let transfer = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await ask({ big: true, transfer: true });
    transfer = Math.min(transfer, performance.now() - t0);
  }
  await w.terminate();
  return { ...small, transfer };
}

async function measure(ask, stop, withLarge = true) {
  await ask(batch()); // started and warm
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) await ask(batch());
  const small = ((performance.now() - t0) * 1000) / (ROUNDS * B);
  let large = withLarge ? Infinity : NaN;
  for (let r = 0; withLarge && r < 3; r++) {
    const t1 = performance.now();
    const m = await ask({ big: true });
    if (m.a.length !== LARGE) throw new Error('short read');
    large = Math.min(large, performance.now() - t1);
  }
  stop();
  return { small, large };
}

async function main() {
  const rows = [];
  // JSON turns a typed array into an object of 10M keys: no large test, and unusable for data.
  const ipcJson = await viaIpc('json', false);
  rows.push(['process: Node IPC, JSON (no typed arrays, Map, Date...)', fmt(ipcJson.small), 'n/a']);
  const ipcV8 = await viaIpc('advanced');
  rows.push(['process: Node IPC, V8 serialization (used)', fmt(ipcV8.small), fmt(ipcV8.large, 0)]);
  const pipe = await viaPipe();
  rows.push(['process: own length-framed pipe, V8 serialization', fmt(pipe.small), fmt(pipe.large, 0)]);
  const thread = await viaThread();
  rows.push(['thread: postMessage, structured clone (used)', fmt(thread.small), fmt(thread.large, 0)]);
  rows.push(['thread: postMessage, buffer transferred (used for results)', '', fmt(thread.transfer, 0)]);
  console.log(`\ntransport: ${B} task tuples per message (µs per tuple, round trip); one 80 MB Float64Array child -> parent (ms)\n`);
  table(['channel', 'µs/tuple', '80 MB ms'], rows);
  console.log(JSON.stringify({ bench: 'transport', batch: B, ipcJson, ipcV8, pipe, thread }));
}
