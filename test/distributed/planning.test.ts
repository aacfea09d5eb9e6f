/**
 * One planning path: `compute(x)` through a Client, `client.compute(x)`, `client.persist(x)` and
 * collections passed to `client.submit` all send the graph core/plan.ts makes (culled, linear
 * chains fused). What the scheduler receives is recorded by wrapping its state machine's
 * `updateGraph` (the scheduler runs in this process, in a LocalCluster), and compared with
 * `planCollections` called here; values are checked against plain code.
 */
import t, { type Test } from 'tap';
import { Client, compute, delayed, LocalCluster, persist } from '../../src/index.js';
import * as db from '../../src/bag/index.js';
import type { Collection } from '../../src/core/collection.js';
import { asDelayed } from '../../src/core/delayed.js';
import { type GraphNode, Task } from '../../src/core/graph.js';
import { planCollections } from '../../src/core/plan.js';
import type { NewTask } from '../../src/distributed/scheduler/tasks.js';
import { decodeTask } from '../../src/distributed/task-codec.js';

const inc = (x: number) => x + 1;
const double = (x: number) => 2 * x;
const add = (x: number, y: number) => x + y;
const isEven = (x: number) => x % 2 === 0;
const twice = (n: number) => 2 * n;

/** What a graph looks like on the wire: per key, its dependencies and the keys of its fused steps. */
interface Shape {
  deps: readonly string[];
  steps: readonly string[];
}

function shapeOf(node: GraphNode): Shape {
  return node instanceof Task ? { deps: [...node.deps].sort(), steps: node.chain.map((s) => s.key) } : { deps: [], steps: [] };
}

function planned(collections: readonly Collection[]): Map<string, Shape> {
  const plan = planCollections(collections);
  return new Map([...plan.graph].map(([k, n]) => [k, shapeOf(n)]));
}

function received(tasks: readonly NewTask[]): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const task of tasks) {
    if (task.spec === null) continue;
    const node = decodeTask(task.key, task.spec, () => inc);
    out.set(task.key, { ...shapeOf(node), deps: [...task.deps].sort() });
  }
  return out;
}

function sameGraph(t: Test, got: Map<string, Shape>, want: Map<string, Shape>, what: string): void {
  t.same([...got.keys()].sort(), [...want.keys()].sort(), `${what}: the same keys as planCollections`);
  t.same(
    [...got].filter(([, s]) => s.steps.length > 0).sort(),
    [...want].filter(([, s]) => s.steps.length > 0).sort(),
    `${what}: the same fused tasks (and their steps)`,
  );
  t.same(new Map([...got].sort()), new Map([...want].sort()), `${what}: the same dependencies`);
}

t.test('compute, client.compute, client.persist and submit send the one planned graph', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, dashboardAddress: null, memoryLimit: 0 });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());

  // Record every task the scheduler's state machine is handed.
  const state = cluster.scheduler.state;
  const updateGraph = state.updateGraph.bind(state);
  let seen: NewTask[] = [];
  state.updateGraph = (c, tasks, wants, opts) => {
    seen.push(...tasks);
    updateGraph(c, tasks, wants, opts);
  };
  const record = async <R>(run: () => Promise<R>): Promise<{ tasks: NewTask[]; value: R }> => {
    seen = [];
    const value = await run();
    // Messages on one connection arrive in order: once this is answered, the graph has arrived.
    await client.schedulerInfo();
    return { tasks: seen, value };
  };

  // A delayed graph with linear chains, and a bag whose per-partition map/filter/map chains fuse.
  let chain = delayed(inc)(1);
  for (let i = 0; i < 4; i++) chain = delayed(double)(chain);
  const z = delayed(add)(chain, delayed(inc)(delayed(inc)(10)));
  const items = Array.from({ length: 40 }, (_, i) => i);
  const bag = db.fromSequence(items, { npartitions: 4 }).map(inc).filter(isEven).map(double);
  const total = bag.sum();

  // Plain code, written separately.
  let plainChain = 1 + 1;
  for (let i = 0; i < 4; i++) plainChain *= 2;
  const plainZ = plainChain + 12;
  const plainBag = items
    .map((x) => x + 1)
    .filter((x) => x % 2 === 0)
    .map((x) => 2 * x);
  const plainTotal = plainBag.reduce((a, b) => a + b, 0);

  const want = planned([z, bag, total]);
  t.ok(
    [...want.values()].some((s) => s.steps.length >= 4),
    'the plan fuses the delayed chain',
  );
  t.ok([...want.values()].filter((s) => s.steps.length >= 3).length >= 4, 'and each bag partition');
  t.ok(planCollections([z, bag, total], { optimize: false }).graph.size > want.size, 'fusing removes tasks');

  const viaCompute = await record(() => compute(z, bag, total, { scheduler: client }));
  sameGraph(t, received(viaCompute.tasks), want, 'compute(x) with the client');
  t.same(viaCompute.value, [plainZ, plainBag, plainTotal], 'compute(x): values');

  const viaClient = await record(async () => {
    const all: readonly Collection[] = [z, bag, total];
    return Promise.all(client.compute(all));
  });
  sameGraph(t, received(viaClient.tasks), want, 'client.compute(x)');
  t.same(viaClient.value, [plainZ, plainBag, plainTotal], 'client.compute(x): values');
  t.same(received(viaClient.tasks), received(viaCompute.tasks), 'client.compute(x) and compute(x) send the same graph');

  const unfused = await record(async () => {
    const [f] = client.compute([z], { optimize: false });
    return f;
  });
  t.same(
    [...received(unfused.tasks).keys()].sort(),
    [...planCollections([z], { optimize: false }).graph.keys()].sort(),
    'optimize: false sends the unfused graph',
  );
  t.equal(unfused.value, plainZ);

  const viaPersist = await record(() => client.persist([z, total]));
  sameGraph(t, received(viaPersist.tasks), planned([z, total]), 'client.persist(x)');
  t.same(await compute(...viaPersist.value, { scheduler: client }), [plainZ, plainTotal], 'persisted: values');
  const viaCorePersist = await record(() => persist(z, total, { scheduler: client }));
  sameGraph(t, received(viaCorePersist.tasks), planned([z, total]), 'persist(x) with the client');

  // A collection passed to submit is planned as compute() plans it; the submitted call depends on its key.
  // (A Delayed of the bag's sum, made once here: asDelayed makes a new finalize key per call.)
  const asValue = asDelayed(total);
  const viaSubmit = await record(() => client.submit(twice, asValue).result());
  const submitted = received(viaSubmit.tasks);
  const call = [...submitted].find(([, s]) => s.deps.length === 1 && s.deps[0] === asValue.key);
  t.ok(call !== undefined, 'the submitted call reads the collection by its key');
  if (call !== undefined) submitted.delete(call[0]);
  sameGraph(t, submitted, planned([asValue]), 'submit(fn, collection)');
  t.equal(viaSubmit.value, 2 * plainTotal, 'submit: value');
});
