import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delayed, visualize } from '../../src/index.js';
import { add, double, inc, sum } from '../helpers/funcs.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-viz-'));

function seedGraph() {
  const output = [1, 2, 3, 4, 5].map((x) => delayed(add)(delayed(inc)(x), delayed(double)(x)));
  return delayed(sum)(output);
}

t.test('seed inc/add graph renders to a valid SVG with one node per task', async (t) => {
  const total = seedGraph();
  const file = join(dir, 'graph.svg');
  const svg = await total.visualize({ filename: file });
  t.equal(readFileSync(file, 'utf8'), svg);
  t.match(svg, /^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
  const nodes = svg.match(/<g id="node\d+" class="node">/g) ?? [];
  t.equal(nodes.length, 16, '5 inc + 5 double + 5 add + 1 sum');
  const edges = svg.match(/class="edge"/g) ?? [];
  t.equal(edges.length, 15);
  for (const name of ['inc', 'double', 'add', 'sum']) t.match(svg, new RegExp(`>${name}</text>`));
});

t.test('dot and png formats, several collections in one picture', async (t) => {
  const a = delayed(inc)(1);
  const b = delayed(inc)(2);
  const dot = await visualize(a, b, { format: 'dot', rankdir: 'LR' });
  t.match(dot, /digraph tsdask/);
  t.match(dot, /rankdir=LR/);
  t.equal(dot.match(/label=/g)?.length, 2);
  const png = join(dir, 'graph.png');
  await seedGraph().visualize({ filename: png });
  const bytes = readFileSync(png);
  t.same([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  t.ok(bytes.length > 1000);
});
