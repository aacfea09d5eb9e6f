// The bench's two workloads, shared by run.mjs and dashboard.mjs, from the built package so they
// run like a user's script: a graph of n `inc` reduced pairwise by `add` (2n - 1 tasks), and
// client.map(inc) + gather over n inputs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { delayed } = require('../../dist/index.js');
const { inc, add } = require('../overhead/funcs.cjs');

export function buildGraph(n) {
  let xs = Array.from({ length: n }, (_, i) => delayed(inc)(i));
  while (xs.length > 1) {
    const next = [];
    for (let i = 0; i < xs.length; i += 2) next.push(i + 1 < xs.length ? delayed(add)(xs[i], xs[i + 1]) : xs[i]);
    xs = next;
  }
  return xs[0];
}

/** One client.map(inc) + gather over the n inputs from, from + 1, ..., checked; milliseconds. */
export async function timeMap(client, n, from) {
  const inputs = Array.from({ length: n }, (_, i) => i + from);
  const t0 = performance.now();
  const fs = client.map(inc, inputs);
  const vs = await client.gather(fs);
  const dt = performance.now() - t0;
  for (const f of fs) f.release();
  if (vs[5] !== inputs[5] + 1) throw new Error('wrong map result');
  return dt;
}
