/** The shared tree reduction: shape of the tree, keys, and what it computes (a plain sum as the referee). */
import t from 'tap';
import { DataNode, get, type Task } from '../../src/index.js';
import type { GraphNode } from '../../src/core/graph.js';
import { splitOf, treeKeys, treeReduceNodes } from '../../src/core/tree-reduce.js';

const chunk = (xs: number[], scale: number) => xs.reduce((a, b) => a + b, 0) * scale;
const combine = (ps: number[]) => ps.reduce((a, b) => a + b, 0);
const aggregate = (ps: number[], offset: number) => ps.reduce((a, b) => a + b, 0) + offset;

t.test('one chunk per input, combines of at most splitEvery, one final task', async (t) => {
  for (const [n, split] of [
    [1, 8],
    [8, 8],
    [9, 8],
    [50, 3],
    [64, 4],
    [7, 2],
  ] as const) {
    const parts = Array.from({ length: n }, (_, i) => Array.from({ length: i % 5 }, (_, j) => i * 10 + j));
    const inputs = parts.map((_, i) => `in#${i}`);
    const nodes = treeReduceNodes(inputs, { chunk, chunkArgs: [2], combine, aggregate, aggregateArgs: [0.5] }, split, treeKeys('sum', 'tok', 'out'));
    const graph = new Map<string, GraphNode>([...parts.map((p, i) => [inputs[i], new DataNode(p)] as const), ...nodes]);
    const tasks = nodes.map(([, node]) => node as Task);
    t.equal(tasks.filter((x) => x.fn === chunk).length, n, `n=${n}: one chunk per input`);
    for (const x of tasks) if (x.fn !== chunk) t.ok(x.deps.length <= split, `n=${n}, split=${split}: ${x.deps.length} partials per task`);
    // Levels: combining n partials split at a time until at most `split` remain.
    let level: number = n;
    let combines = 0;
    while (level > split) {
      level = Math.ceil(level / split);
      combines += level;
    }
    t.equal(tasks.filter((x) => x.fn === combine).length, combines, `n=${n}: ${combines} combine tasks`);
    t.equal(nodes[nodes.length - 1][0], 'out', 'the final task has the output key');
    t.ok(
      nodes.every(([k]) => k === 'out' || /^sum-(chunk|combine)-tok#/.test(k)),
      'keys name the step',
    );
    const want = parts.flat().reduce((a, b) => a + b, 0) * 2 + 0.5;
    const [got] = await get(graph, ['out'], { scheduler: 'sync' });
    t.equal(got, want, `n=${n}: the sum`);
  }
});

t.test('splitEvery is at least 2, default 8; keys are deterministic', async (t) => {
  t.equal(splitOf(undefined), 8);
  t.equal(splitOf(1), 2);
  t.equal(splitOf(5), 5);
  const build = () => treeReduceNodes(['a', 'b', 'c'], { chunk, combine, aggregate }, 2, treeKeys('x', 't', 'x-t#0')).map(([k]) => k);
  t.same(build(), build());
  t.same(build(), ['x-chunk-t#0', 'x-chunk-t#1', 'x-chunk-t#2', 'x-combine-t#0.0', 'x-combine-t#0.1', 'x-t#0']);
});
