/**
 * Rich display (src/display): what each renderer shows, checked against the data the test made,
 * and the notebook paths driven through a stand-in for the tslab kernel's display API (the
 * notebook test runs the real kernel). Outside a notebook nothing changes: display() prints the
 * value as console.log does.
 */
import t, { type Test } from 'tap';
import { inspect } from 'node:util';
import * as danfo from 'danfojs-node';
import { compute, delayed, display, ProgressBar, richOf, toHTML } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';

interface Shown {
  mime: string;
  data: string;
  entry: number;
}

/** A stand-in for tslab's display API on globalThis.__tslab__, recording what is shown where. */
function fakeKernel(t: Test): Shown[] {
  const shown: Shown[] = [];
  let entries = 0;
  const entry = (id: number) => ({
    html: (data: string) => shown.push({ mime: 'text/html', data, entry: id }),
    svg: (data: string) => shown.push({ mime: 'image/svg+xml', data, entry: id }),
    text: (data: string) => shown.push({ mime: 'text/plain', data, entry: id }),
  });
  const api = { display: entry(0), newDisplay: () => entry(++entries) };
  Reflect.set(globalThis, '__tslab__', { require: (name: string) => (name === 'tslab' ? api : undefined) });
  t.teardown(() => Reflect.deleteProperty(globalThis, '__tslab__'));
  return shown;
}

function captureLog(t: Test): string[] {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  t.teardown(() => (console.log = log));
  return lines;
}

const rows = 12;
const frame = () => new danfo.DataFrame({ id: Array.from({ length: rows }, (_, i) => i * 10), name: Array.from({ length: rows }, (_, i) => `n${i}`) });

t.test('a computed danfo frame: first and last rows around an ellipsis, and the shape', async (t) => {
  const html = toHTML(frame()) ?? '';
  t.match(html, /<table class="tsdask frame">/);
  t.match(html, '<th>id</th><th>name</th>');
  for (const i of [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]) t.match(html, `<td><strong>${i}</strong></td><td>${i * 10}</td><td>n${i}</td>`, `row ${i} shown`);
  for (const i of [5, 6]) t.notMatch(html, `<td>n${i}</td>`, `row ${i} elided`);
  t.match(html, '<td>…</td>');
  t.match(html, `${rows} rows × 2 columns`);
});

t.test('a computed danfo series, with its name, length and dtype', async (t) => {
  const s = new danfo.Series([1.5, Number.NaN, 3], { index: ['a', 'b', 'c'], columns: ['x'] });
  const html = toHTML(s) ?? '';
  t.match(html, '<th>x</th>');
  t.match(html, '<td><strong>a</strong></td><td>1.5</td>');
  t.match(html, '<td><strong>b</strong></td><td>NaN</td>', 'missing as pandas prints it');
  t.match(html, 'Length: 3');
});

t.test('a lazy frame and series: their structure, nothing computed', async (t) => {
  const ddf = dd.fromDanfo(frame(), { npartitions: 3 });
  const html = toHTML(ddf) ?? '';
  t.match(html, /npartitions=3, \d+ tasks/);
  t.match(html, `<th></th>${ddf.columns.map((c) => `<th>${c}</th>`).join('')}`, 'the columns across');
  t.match(html, `<td><strong>dtype</strong></td>${ddf.columns.map((c) => `<td>${ddf.dtypes[c]}</td>`).join('')}`, 'their dtypes underneath');
  t.match(html, /class="tsdask lazy-structure"/);
  const s = toHTML(ddf.col('id')) ?? '';
  t.match(s, 'tsdask.Series');
  t.match(s, `<th>id</th></tr></thead><tbody><tr><td><strong>dtype</strong></td><td>${ddf.col('id').dtype}</td>`);
});

t.test('a cluster summary links the dashboard; an error shows its task and stack', async (t) => {
  const client = {
    summary: {
      kind: 'Client',
      address: 'tcp://127.0.0.1:8786',
      workers: 2,
      threads: 4,
      memory: 2 * 1024 ** 3,
      dashboard: 'http://127.0.0.1:8787/status',
      workerList: [{ name: 'w-0', address: 'tcp://127.0.0.1:1', nthreads: 2, memoryLimit: 1024 ** 3 }],
    },
  };
  const html = toHTML(client) ?? '';
  t.match(html, '<a href="http://127.0.0.1:8787/status" target="_blank">');
  t.match(html, '<td>Threads</td><td>4</td>');
  t.match(html, '<td>Memory</td><td>2.0 GiB</td>');
  t.match(html, '<td>w-0</td>');

  const err = Object.assign(new RangeError('too <large>'), { taskKey: 'f-abc' });
  err.stack = `RangeError: too <large>\n    at f (user.ts:3:9)\n    (raised on a tsdask worker)`;
  const e = toHTML(err) ?? '';
  t.match(e, 'too &lt;large&gt;', 'escaped');
  t.match(e, 'in task <code>f-abc</code> on a worker');
  t.match(e, 'remote stack');
  t.match(e, 'at f (user.ts:3:9)');
  t.equal(toHTML({ plain: 1 }), undefined, 'other values have no rendering');
});

t.test('visualize() output becomes inline SVG without its XML prolog', async (t) => {
  const svg = await delayed((x: number) => x + 1, { name: 'inc' })(1).visualize();
  const rich = richOf(svg);
  t.equal(rich?.mime, 'image/svg+xml');
  t.match(rich?.data ?? '', /^<svg[\s\S]*inc[\s\S]*<\/svg>\s*$/);
});

t.test('outside a notebook display() prints exactly what console.log prints', async (t) => {
  const lines = captureLog(t);
  const ddf = dd.fromDanfo(frame(), { npartitions: 2 });
  display(ddf, 'text', 3);
  t.same(lines, [inspect(ddf), 'text', '3']);
});

t.test('in a notebook display() sends HTML and SVG to the kernel', async (t) => {
  const shown = fakeKernel(t);
  const lines = captureLog(t);
  display(frame(), '<svg width="1"></svg>', 7);
  t.equal(shown.length, 2);
  t.equal(shown[0].mime, 'text/html');
  t.match(shown[0].data, `${rows} rows × 2 columns`);
  t.equal(shown[1].mime, 'image/svg+xml');
  t.same(lines, ['7'], 'a value without a rendering prints as text');
});

t.test('in a notebook a ProgressBar redraws one HTML entry per compute', async (t) => {
  const shown = fakeKernel(t);
  const lines = captureLog(t);
  const bar = new ProgressBar({ minimum: 0 }).register();
  t.teardown(() => bar.unregister());
  const slow = delayed(
    async (x: number) => {
      await new Promise((r) => setTimeout(r, 30));
      return x;
    },
    { name: 'slow' },
  );
  const [v] = await compute(delayed((a: number, b: number) => a + b, { name: 'add' })(slow(1), slow(2)), { scheduler: 'sync' });
  t.equal(v, 3);
  await compute(slow(4), { scheduler: 'sync' });
  const entries = [...new Set(shown.map((s) => s.entry))];
  t.equal(entries.length, 2, 'one display entry per compute, each overwritten in place');
  const last = shown.filter((s) => s.entry === entries[0]).at(-1);
  t.match(last?.data ?? '', 'data-percent="100"');
  t.match(last?.data ?? '', '3 / 3 tasks');
  t.same(lines, [], 'nothing printed as text');
});
