import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeSource } from '../src/core/freevars.js';
import { ClosureError, decodeGraph, describeFunction, encodeGraph, type FnSpec, registerModule, resolveFunction } from '../src/core/functions.js';
import { DataNode, type Graph, KeyRef, runTask, Task } from '../src/core/graph.js';
import { kernel } from '../src/core/kernels.js';
import { fuse } from '../src/core/optimize.js';

/** What describeFunction ships: a function or a class. */
type Shippable = ((...args: never[]) => unknown) | (abstract new (...args: never[]) => unknown);

/** Ship a function through its spec as a worker would: JSON, then a fresh resolve. */
function ship<F extends Shippable>(fn: F): F {
  const spec = JSON.parse(JSON.stringify(describeFunction(fn))) as FnSpec;
  return resolveFunction(spec) as unknown as F;
}

const free = (src: string) => analyzeSource(src)?.free;

t.test('kernels resolve by registered name', async (t) => {
  const k = kernel('test.functions.triple', (x: number) => x * 3);
  t.same(describeFunction(k), { kind: 'kernel', name: 'test.functions.triple' });
  t.equal(resolveFunction({ kind: 'kernel', name: 'test.functions.triple' }), k);
  t.throws(() => resolveFunction({ kind: 'kernel', name: 'test.functions.nope' }), { message: /unknown kernel 'test\.functions\.nope'/ });
});

t.test('CommonJS module exports are found through require.cache and loaded by path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-fn-'));
  const file = join(dir, 'helpers.js');
  // A closure over a module variable: shippable only by path, never by source.
  writeFileSync(file, 'const FACTOR = 7;\nexports.scale = (x) => x * FACTOR;\nmodule.exports.named = function named(x) { return x + FACTOR; };\n');
  // Loaded by CommonJS require at run time (a file written just now), so it lands in require.cache.
  const load = createRequire(__filename);
  const mod = load(file) as { scale: (x: number) => number; named: (x: number) => number };
  const spec = describeFunction(mod.scale);
  t.same(spec, { kind: 'module', path: file, exportName: 'scale' });
  t.equal(resolveFunction(spec), mod.scale);
  t.same(describeFunction(mod.named), { kind: 'module', path: file, exportName: 'named' });
  const single = join(dir, 'single.js');
  writeFileSync(single, 'const base = 100;\nmodule.exports = function add100(x) { return x + base; };\n');
  const fn = load(single) as (x: number) => number;
  t.same(describeFunction(fn), { kind: 'module', path: single, exportName: '' });
  t.equal(resolveFunction(describeFunction(fn))(1), 101);
});

t.test('ES modules register themselves and load by path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-esm-'));
  const file = join(dir, 'ops.mjs');
  writeFileSync(file, 'const OFFSET = 5;\nexport function shift(x) { return x + OFFSET; }\n');
  const url = pathToFileURL(file).href;
  const mod = (await import(url)) as { shift: (x: number) => number };
  registerModule(url, mod);
  const spec = describeFunction(mod.shift);
  t.same(spec, { kind: 'module', path: file, exportName: 'shift' });
  t.equal(resolveFunction(spec)(1), 6);
});

t.test('self-contained functions of every syntactic form ship by source', async (t) => {
  t.equal(ship((x: number) => x + 1)(1), 2);
  t.equal(
    ship(function named(a: number, b = 2) {
      return a * b;
    })(3),
    6,
  );
  t.equal(await ship(async (x: number) => x * 2)(4), 8);
  const gen = ship(function* (n: number) {
    for (let i = 0; i < n; i++) yield i;
  });
  t.same([...gen(3)], [0, 1, 2]);
  const agen = ship(async function* (n: number) {
    yield n;
  });
  const items: number[] = [];
  for await (const x of agen(9)) items.push(x);
  t.same(items, [9]);
  const obj = {
    // `this: void`: none of them reads `this`, and the test ships them detached from obj.
    method(this: void, x: number) {
      return x * 10;
    },
    async asyncMethod(this: void, x: number) {
      return x + 0.5;
    },
    *genMethod(this: void) {
      yield 'g';
    },
    'quoted name'(this: void, x: string) {
      return x.toUpperCase();
    },
  };
  t.equal(ship(obj.method)(2), 20);
  t.equal(await ship(obj.asyncMethod)(1), 1.5);
  t.same([...ship(obj.genMethod)()], ['g']);
  t.equal(ship(obj['quoted name'])('q'), 'Q');
  const Point = ship(
    class Point {
      constructor(readonly x: number) {}
      norm() {
        return Math.abs(this.x);
      }
    },
  );
  t.equal(new Point(-3).norm(), 3);
  t.equal(ship(Math.sqrt)(49), 7, 'built-ins ship as the expression that names them');
});

t.test('require() and import() inside the body work on the worker side', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the require() inside the shipped body is what this test checks
  const base = ship((p: string) => (require('node:path') as typeof import('node:path')).basename(p));
  t.equal(base('/a/b/c.txt'), 'c.txt');
  const eol = ship(async (x: number) => (await import('node:os')).EOL.length + x);
  t.equal(await eol(1), 2);
});

t.test("tsx's __name helper is defined where functions are rebuilt", async (t) => {
  const spec: FnSpec = {
    kind: 'source',
    hash: 'test-name-helper',
    name: 'outer',
    source: 'function outer(x) { const inner = __name((y) => y + 1, "inner"); return inner.name + inner(x); }',
  };
  t.same(free(spec.source), [], '__name is not a free variable');
  t.equal((resolveFunction(spec) as (x: number) => string)(1), 'inner2');
});

t.test('free-variable analysis', async (t) => {
  t.same(free('(x) => x + y'), ['y']);
  t.same(free('(x) => Math.max(x, Number.MAX_VALUE) + JSON.stringify(process.env).length + Buffer.from("a").length'), []);
  t.same(free('function f() { console.log(require, module, exports, __filename, __dirname, arguments, this); }'), []);
  t.same(free('({ a, b: [c, ...d] = [], ...rest }, e = a + c) => a + c + d + rest + e'), []);
  t.same(free('(o) => o.prop + o["key"] + ({ key: 1 }).key + ({ [k]: 2 })'), ['k']);
  t.same(free('() => { try { hoisted(); } catch (err) { return err; } function hoisted() { return v; } var v = 1; }'), []);
  t.same(free('() => { for (const x of xs) { for (let i = 0; i < x; i++) { label: while (true) break label; } } }'), ['xs']);
  t.same(free('() => { { let inner = 1; } return inner; }'), ['inner'], 'block-scoped names do not leak');
  t.same(free('() => { const f = function self(n) { return n ? self(n - 1) : 0; }; return f(3); }'), []);
  t.same(free('() => { class A extends Base { static s = A; m() { return this.#p + A.s; } #p = other; } }'), ['Base', 'other']);
  t.same(free('(x) => { x = total; [a, b] = x; ({ c } = x); }'), ['total', 'a', 'b', 'c']);
  t.same(free('async function (u) { const m = await import(u); return new.target ?? m; }'), []);
  t.same(free('(x) => `${x}${suffix}`'), ['suffix']);
  t.same(free('(x) => { switch (x) { case 1: let y = 2; return y; default: return z; } }'), ['z']);
  t.equal(analyzeSource('function () { [native code] }'), undefined);
  t.equal(analyzeSource('not a function'), undefined);
});

t.test('a closure over a local variable fails at describe time, naming it and the fix', async (t) => {
  const threshold = 10;
  const scale = 2;
  const fn = (x: number) => (x > threshold ? x * scale : x);
  const err = (() => {
    try {
      describeFunction(fn, "task 'clip-1'");
    } catch (e) {
      return e as ClosureError;
    }
  })();
  t.ok(err instanceof ClosureError);
  t.same(err!.freeVariables, ['threshold', 'scale']);
  t.match(err!.message, /'fn'.*task 'clip-1'.*'threshold', 'scale'/s);
  t.match(err!.message, /pass them as arguments/);
  t.match(err!.message, /require\(\)\/import\(\)/);
  t.match(err!.message, /export the function from a module/);
});

t.test('TypeScript-compiled imports get a specific hint', async (t) => {
  // What ts-node makes of `import { inc } from './helpers'; (x) => inc(x)`.
  type Compiled = (helpers: { inc: (x: number) => number }) => (x: number) => number;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the test needs a function whose source text is exactly what the compiler emits
  const compiled = (new Function('helpers_1', 'return (x) => (0, helpers_1.inc)(x)') as Compiled)({ inc: (x: number) => x });
  t.throws(() => describeFunction(compiled, "task 'f'"), { name: 'ClosureError', message: /'helpers_1' is how TypeScript/ });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- as above, in the form tsx (esbuild) emits
  const esb = (new Function('import_helpers', 'return (x) => (0, import_helpers.inc)(x)') as Compiled)({ inc: (x: number) => x });
  t.throws(() => describeFunction(esb), { message: /'import_helpers'.*tsx/s });
});

t.test('bound functions without source fail clearly', async (t) => {
  function base(this: unknown, x: number) {
    return x;
  }
  t.throws(() => describeFunction(base.bind(null), "task 'b'"), { name: 'ClosureError', message: /bound function 'bound base' \(task 'b'\).*no source text/s });
});

t.test('encodeGraph / decodeGraph carry tasks, data, functions in args and fused chains', async (t) => {
  const inc = (x: number) => x + 1;
  const double = (x: number) => x * 2;
  const apply = (f: (x: number) => number, x: number) => f(x);
  const g: Graph = new Map();
  g.set('data', new DataNode(new Float64Array([1, 2])));
  g.set('a', new Task(inc, [1]));
  g.set('b', new Task(double, [new KeyRef('a')]));
  g.set('c', new Task(apply, [double, new KeyRef('b')]));
  g.set('d', new Task((arr: Float64Array, c: number) => arr[1] + c, [new KeyRef('data'), new KeyRef('c')]));
  const fused = fuse(g, ['d']);
  t.ok(
    [...fused.values()].some((n) => n instanceof Task && n.chain.length > 1),
    'the graph has a fused chain',
  );
  const back = decodeGraph(encodeGraph(fused));
  t.same([...back.keys()], [...fused.keys()]);
  const results = new Map<string, unknown>();
  for (const [k, node] of back) {
    results.set(k, node instanceof DataNode ? node.value : runTask(node, (key) => results.get(key)));
  }
  t.equal(results.get('d'), 2 + 8);
  const bad: Graph = new Map([['x-1', new Task((v: number) => v + results.size, [1])]]);
  t.throws(() => encodeGraph(bad), { name: 'ClosureError', message: /task 'x-1'.*'results'/s });
  class Handle {}
  const badArg: Graph = new Map([
    ['ok', new Task(inc, [1])],
    ['y-2', new Task(inc, [new Handle()])],
  ]);
  t.throws(() => encodeGraph(badArg), { name: 'SerializationError', message: /task 'y-2'.*class Handle/s });
});
