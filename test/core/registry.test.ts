/**
 * The library's registries as executors see them: every kernel and registered type known to
 * this process (with the whole library imported) resolves on a fresh executor that has only
 * run `installLibrary()`: a worker thread, a child process and a distributed worker. A part
 * that fails to load is reported with its name, the name looked up and the original error.
 */
import t, { type Test } from 'tap';
import { compute, delayed, Client, LocalCluster, shutdownSchedulers } from '../../src/index.js';
import '../../src/bag/index.js';
import '../../src/array/index.js';
import * as dfd from 'danfojs-node';
import { Frame } from '../../src/dataframe/index.js';
import { ShuffleOutput } from '../../src/core/shuffle/output.js';
import { getKernel, kernel, kernelNames } from '../../src/core/kernels.js';
import { declaredParts, LibraryLoadError, partOfKernel, partOfType, registerPart } from '../../src/core/parts.js';
import { getRegisteredType, registeredTypeNames } from '../../src/core/serialize.js';
import { Task, type Graph } from '../../src/core/graph.js';
import { LocalScheduler } from '../../src/schedulers/index.js';

t.teardown(shutdownSchedulers);

// Taken before any test registers kernels of its own.
const KERNELS = kernelNames();
const TYPES = registeredTypeNames();
const PARTS_MODULE = require.resolve('../../src/core/parts.ts');

/** One value of each registered type; a new type without a sample here fails the test below. */
const SAMPLES: Record<string, { value: unknown; check(t: Test, got: unknown): void }> = {
  'tsdask.frame': {
    value: Frame.fromColumns({
      n: [1, 2.5, -3],
      s: ['x', null, 'x'],
      b: [true, false, null],
    }),
    check: (t, got) => {
      t.ok(got instanceof Frame, 'decoded as a Frame');
      if (got instanceof Frame)
        t.same(got.toRecords(), [
          { n: 1, s: 'x', b: true },
          { n: 2.5, s: null, b: false },
          { n: -3, s: 'x', b: null },
        ]);
    },
  },
  'tsdask.shuffle-output': {
    value: new ShuffleOutput('merge-shuffle-left-ab12', 'merge-shuffle-left-disk-split-ab12#3', 'host-a', 4242, '/tmp/x/3-4242-r.bin', [0, 128, 512]),
    check: (t, got) => {
      t.ok(got instanceof ShuffleOutput, 'decoded as a ShuffleOutput');
      if (got instanceof ShuffleOutput)
        t.same(
          [got.shuffle, got.key, got.host, got.pid, got.file, got.offsets, got.nbytes],
          ['merge-shuffle-left-ab12', 'merge-shuffle-left-disk-split-ab12#3', 'host-a', 4242, '/tmp/x/3-4242-r.bin', [0, 128, 512], 512],
        );
    },
  },
  'tsdask.danfo': {
    value: new dfd.DataFrame({ n: [1, 2.5], s: ['x', null] }, { index: ['a', 'b'] }),
    check: (t, got) => {
      t.ok(got instanceof dfd.DataFrame, 'decoded as a danfo DataFrame');
      if (got instanceof dfd.DataFrame)
        t.same(
          [got.values, got.index, got.columns],
          [
            [
              [1, 'x'],
              [2.5, null],
            ],
            ['a', 'b'],
            ['n', 's'],
          ],
        );
    },
  },
};

// The probes below are shipped by source, so they require what they use inside their bodies.
/* eslint-disable @typescript-eslint/no-require-imports -- functions shipped by source cannot use the test file's imports */

/** Runs on the executor: the kernel name each received function carries there, and the parts loaded. */
const probeKernels = (partsModule: string, fns: unknown[]) => {
  const { loadedParts } = require(partsModule) as typeof import('../../src/core/parts.js');
  const { isMainThread } = require('node:worker_threads') as typeof import('node:worker_threads');
  const names = fns.map((f) =>
    typeof f === 'function' ? ((f as unknown as Record<symbol, unknown>)[Symbol.for('tsdask.kernel')] ?? '(untagged)') : `(${typeof f})`,
  );
  return { pid: process.pid, isMainThread, names, loaded: loadedParts() };
};

/** Runs on the executor: which parts decoding the values loaded; sends the values back. */
const probeTypes = (partsModule: string, values: unknown[]) => {
  const { loadedParts } = require(partsModule) as typeof import('../../src/core/parts.js');
  return { loaded: loadedParts(), values };
};

/** Runs on the executor: declares a part whose loader throws, as a broken install would. */
const declareBroken = (partsModule: string) => {
  const { registerPart } = require(partsModule) as typeof import('../../src/core/parts.js');
  registerPart({
    name: 'broken',
    namespaces: ['broken'],
    load() {
      throw new Error('simulated: broken.wasm is missing');
    },
  });
  return 'declared';
};
/* eslint-enable @typescript-eslint/no-require-imports -- end of the shipped probes */

t.test('the main registry is non-trivial and every name belongs to a declared part', async (t) => {
  t.same(declaredParts(), ['array', 'bag', 'dataframe', 'delayed']);
  const byNamespace = new Map<string, number>();
  for (const name of KERNELS) {
    const ns = name.slice(0, name.indexOf('.'));
    byNamespace.set(ns, (byNamespace.get(ns) ?? 0) + 1);
    if (partOfKernel(name) === undefined) t.fail(`kernel '${name}' belongs to no declared part`);
  }
  t.ok((byNamespace.get('bag') ?? 0) >= 20, `bag kernels: ${byNamespace.get('bag')}`);
  t.ok((byNamespace.get('dataframe') ?? 0) >= 50, `dataframe kernels: ${byNamespace.get('dataframe')}`);
  t.ok((byNamespace.get('array') ?? 0) >= 10, `array kernels: ${byNamespace.get('array')}`);
  for (const name of ['tsdask.identity', 'bag.map', 'dataframe.filter', 'array.sum.chunk']) t.ok(KERNELS.includes(name), name);
  t.same([...byNamespace.keys()].sort(), ['array', 'bag', 'dataframe', 'tsdask']);
  t.same(TYPES, Object.keys(SAMPLES).sort(), 'a sample for every registered type');
  for (const type of TYPES) t.equal(partOfType(type), 'dataframe', `type '${type}' belongs to a declared part`);
});

for (const kind of ['thread', 'process'] as const) {
  const name = kind === 'thread' ? 'threads' : 'processes';

  t.test(`every registered kernel resolves on a bare ${kind} executor`, async (t) => {
    const scheduler = new LocalScheduler(name, kind);
    t.teardown(() => scheduler.close());
    const graph: Graph = new Map([['probe', new Task(probeKernels, [PARTS_MODULE, KERNELS.map(getKernel)])]]);
    const [got] = (await scheduler.run(graph, ['probe'], {
      callbacks: [],
      numWorkers: 1,
    })) as [ReturnType<typeof probeKernels>];
    if (kind === 'thread') t.equal(got.isMainThread, false, 'ran on a worker thread');
    else t.not(got.pid, process.pid, 'ran in a child process');
    t.same(got.names, KERNELS, 'each name resolved to the function registered under it');
    // 'delayed' may not load as a part: core/delayed.js comes in with the bag part.
    for (const part of ['array', 'bag', 'dataframe']) t.ok(got.loaded.includes(part), `part '${part}' loaded on its first name`);
  });

  t.test(`every registered type decodes on a bare ${kind} executor, loading only its part`, async (t) => {
    const scheduler = new LocalScheduler(name, kind);
    t.teardown(() => scheduler.close());
    const values = TYPES.map((type) => SAMPLES[type].value);
    const graph: Graph = new Map([['probe', new Task(probeTypes, [PARTS_MODULE, values])]]);
    const [got] = (await scheduler.run(graph, ['probe'], {
      callbacks: [],
      numWorkers: 1,
    })) as [ReturnType<typeof probeTypes>];
    t.same(got.loaded, ['dataframe']);
    TYPES.forEach((type, i) => SAMPLES[type].check(t, got.values[i]));
  });
}

t.test('every registered kernel and type resolves on a distributed worker and its task threads', async (t) => {
  const cluster = await LocalCluster.start({
    nWorkers: 2,
    threadsPerWorker: 2,
    dashboardAddress: null,
  });
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(async () => {
    await client.close();
    await cluster.close();
  });
  const kernels = await client.submit(probeKernels, PARTS_MODULE, KERNELS.map(getKernel)).result();
  t.not(kernels.pid, process.pid);
  t.equal(kernels.isMainThread, false, 'ran on a task thread');
  t.same(kernels.names, KERNELS);
  const types = await client
    .submit(
      probeTypes,
      PARTS_MODULE,
      TYPES.map((type) => SAMPLES[type].value),
    )
    .result();
  TYPES.forEach((type, i) => SAMPLES[type].check(t, types.values[i]));
});

t.test('a part that fails to load fails every lookup of its names, with the cause', async (t) => {
  const cause = new Error('simulated: native addon missing');
  let calls = 0;
  registerPart({
    name: 'failing',
    namespaces: ['failing'],
    types: ['failing.blob'],
    load() {
      calls++;
      throw cause;
    },
  });
  for (const name of ['failing.double', 'failing.half']) {
    let err: unknown;
    try {
      getKernel(name);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof LibraryLoadError, 'a LibraryLoadError');
    if (!(err instanceof LibraryLoadError)) continue;
    t.equal(err.part, 'failing');
    t.equal(err.cause, cause, 'the original error is the cause');
    t.equal(err.message, `cannot load library part 'failing' (needed for kernel '${name}'): simulated: native addon missing`);
  }
  t.throws(() => getRegisteredType('failing.blob'), {
    name: 'LibraryLoadError',
    message: /part 'failing' \(needed for registered type 'failing\.blob'\): simulated: native addon missing/,
  });
  t.equal(calls, 1, 'the loader ran once; later lookups report its error');
  t.throws(() => registerPart({ name: 'other', namespaces: ['failing'], load() {} }), /namespace 'failing' is claimed by library parts 'failing' and 'other'/);
});

t.test('an unknown kernel or type names the parts this process loaded', async (t) => {
  t.throws(() => getKernel('bag.no-such-verb'), {
    message:
      /^unknown kernel 'bag\.no-such-verb': library part 'bag' is loaded and does not define it; library parts loaded here: (\w+, )*bag(, \w+)* \(declared: array, bag, dataframe, delayed, failing\)/,
  });
  t.throws(() => getKernel('nowhere.fn'), {
    message: /^unknown kernel 'nowhere\.fn': no library part declares the namespace 'nowhere'; library parts loaded here: .*bag/,
  });
  t.throws(() => getRegisteredType('nowhere.blob'), {
    name: 'SerializationError',
    message: /registered type 'nowhere\.blob'.*no library part declares it.*library parts loaded here: .*bag/,
  });
});

const double = kernel('broken.double', (x: number) => 2 * x);
const stray = kernel('stray.fn', (x: number) => x);

for (const scheduler of ['threads', 'processes'] as const) {
  t.test(`load errors reach compute() on ${scheduler}`, async (t) => {
    // One executor, so the part declared by the first compute is there for the next ones.
    const opts = { scheduler, numWorkers: 1 };
    t.same(await compute(delayed(declareBroken)(PARTS_MODULE), opts), ['declared']);
    await t.rejects(compute(delayed(double)(21), opts), {
      message: /cannot load library part 'broken' \(needed for kernel 'broken\.double'\): simulated: broken\.wasm is missing/,
    });
    await t.rejects(compute(delayed(stray)(1), opts), {
      message:
        /unknown kernel 'stray\.fn': no library part declares the namespace 'stray'; library parts loaded here: [^(]*\(declared: array, bag, broken, dataframe, delayed\)/,
    });
    t.same(await compute(delayed(getKernel('tsdask.identity'))(7), opts), [7], 'other parts still load');
  });
}
