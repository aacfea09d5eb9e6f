import t from 'tap';
import { compute, DataNode, delayed, get, GraphError, KeyRef, Task, tokenize } from '../../src/index.js';
import { cull, fuse } from '../../src/core/optimize.js';
import { order } from '../../src/core/order.js';
import { add, inc } from '../helpers/funcs.js';

t.test('tokenize is deterministic for data and distinguishes values', async (t) => {
  t.equal(tokenize(1, 'a', [1, 2], { b: 1, a: 2 }), tokenize(1, 'a', [1, 2], { a: 2, b: 1 }));
  t.not(tokenize(1), tokenize('1'));
  t.not(tokenize([1, 2]), tokenize([2, 1]));
  t.not(tokenize(0), tokenize(-0));
  t.equal(tokenize(new Float64Array([1, 2])), tokenize(new Float64Array([1, 2])));
  t.not(tokenize(new Float64Array([1, 2])), tokenize(new Float64Array([1, 3])));
  t.not(tokenize(new Float64Array([1])), tokenize(new Float32Array([1])));
  t.equal(tokenize(new Date(5)), tokenize(new Date(5)));
  const f = () => 1;
  const g = () => 1;
  t.equal(tokenize(f), tokenize(f));
  t.not(tokenize(f), tokenize(g), 'functions are tokenized by identity, not source');
});

t.test('identical pure calls share one key and run once', async (t) => {
  let calls = 0;
  const counted = (x: number) => {
    calls++;
    return x * 10;
  };
  const a = delayed(counted)(1);
  const b = delayed(counted)(1);
  t.equal(a.key, b.key);
  const shared = delayed(counted)(2);
  const x = delayed(add)(shared, 1);
  const y = delayed(add)(shared, 2);
  calls = 0;
  const [vx, vy, va, vb] = await compute(x, y, a, b, { scheduler: 'sync' });
  t.same([vx, vy, va, vb], [21, 22, 10, 10]);
  t.equal(calls, 2, 'shared input and the duplicate call each ran once');
  const impure1 = delayed(counted, { pure: false })(1);
  const impure2 = delayed(counted, { pure: false })(1);
  t.not(impure1.key, impure2.key, 'pure: false gives fresh keys');
});

t.test('clear errors', async (t) => {
  t.throws(() => delayed(undefined as unknown as () => void), /delayed\(\) got undefined/);
  t.throws(() => delayed(5, { nout: 2 } as never), /nout applies to functions/);
  t.throws(() => [...delayed(inc)(1)], /no known length/);
  const cyc = new Map([
    ['a', new Task(inc, [new KeyRef('b')])],
    ['b', new Task(inc, [new KeyRef('c')])],
    ['c', new Task(inc, [new KeyRef('a')])],
  ]);
  await t.rejects(get(cyc, ['a'], { scheduler: 'sync' }), new GraphError('cycle in task graph: a -> b -> c -> a'));
  const missing = new Map([['a', new Task(inc, [new KeyRef('nope')])]]);
  await t.rejects(get(missing, ['a'], { scheduler: 'sync' }), /task 'a' depends on unknown key 'nope'/);
  await t.rejects(get(missing, ['zzz'], { scheduler: 'sync' }), /unknown key 'zzz'/);
  t.throws(() => order(new Map(), ['x']), GraphError);
});

t.test('raw graphs with nested arguments', async (t) => {
  const g = {
    x: new DataNode(3),
    y: new Task(inc, [new KeyRef('x')]),
    z: new Task((o: { a: number; b: number[] }) => o.a + o.b[0] + o.b[1], [{ a: new KeyRef('x'), b: [new KeyRef('y'), 100] }]),
  };
  t.same(await get(g, ['z', 'y'], { scheduler: 'sync' }), [107, 4]);
});

t.test('order is a depth-first topological order', async (t) => {
  const g = new Map([
    ['a1', new Task(inc, [1])],
    ['a2', new Task(inc, [new KeyRef('a1')])],
    ['b1', new Task(inc, [2])],
    ['b2', new Task(inc, [new KeyRef('b1')])],
    ['s', new Task(add, [new KeyRef('a2'), new KeyRef('b2')])],
  ]);
  t.same(order(g, ['s']), ['a1', 'a2', 'b1', 'b2', 's'], 'finishes one branch before the next');
});

t.test('cull and fuse', async (t) => {
  const g = new Map([
    ['a', new Task(inc, [1])],
    ['b', new Task(inc, [new KeyRef('a')])],
    ['c', new Task(inc, [new KeyRef('b')])],
    ['unused', new Task(inc, [0])],
    ['d', new Task(add, [new KeyRef('c'), new KeyRef('c')])],
  ]);
  const culled = cull(g, ['c']);
  t.same([...culled.keys()].sort(), ['a', 'b', 'c']);
  const fused = fuse(culled, ['c']);
  t.same([...fused.keys()], ['c'], 'the chain a -> b -> c becomes one task');
  const task = fused.get('c') as Task;
  t.same(
    task.chain.map((s) => s.key),
    ['a', 'b', 'c'],
  );
  t.same(await get(fused, ['c'], { scheduler: 'sync', optimize: false }), [4]);
  const keepB = fuse(culled, ['b', 'c']);
  t.ok(keepB.has('b'), 'requested keys are never fused away');
  t.same(await get(g, ['d', 'b'], { scheduler: 'sync' }), [8, 3]);
});

t.test('intermediates are released as soon as nothing needs them', async (t) => {
  // 200 independent chains inc -> double -> add(., 1), summed at the end.
  const heads = Array.from({ length: 200 }, (_, i) => delayed(add)(delayed((x: number) => x * 2, { name: 'double' })(delayed(inc)(i)), 1));
  const total = delayed((xs: number[]) => xs.reduce((a, b) => a + b, 0), { name: 'total' })(heads);
  const headKeys = new Set(heads.map((h) => h.key));
  const live = new Set<string>();
  let peak = 0;
  const released: string[] = [];
  const cb = {
    posttask: ({ key }: { key: string }) => {
      if (!headKeys.has(key)) live.add(key);
      peak = Math.max(peak, live.size);
    },
    release: (k: string) => {
      live.delete(k);
      released.push(k);
    },
  };
  const [v] = await compute(total, { scheduler: 'sync', optimize: false, callbacks: [cb] });
  t.equal(v, heads.length * 1 + (2 * (199 * 200)) / 2 + 2 * 200);
  t.ok(peak <= 2, `at most ${peak} intermediates alive at once: each chain finishes before the next starts`);
  t.equal(released.length, 600, 'every intermediate released');
});
