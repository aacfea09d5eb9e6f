// The bench's graph shape, shared by run.mjs and dashboard.mjs: n `inc` reduced pairwise by
// `add` (2n - 1 tasks), from the built package so it runs like a user's script.
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
