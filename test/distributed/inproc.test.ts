/**
 * A Client on a LocalCluster talks to the scheduler in its own process over an in-process
 * link (no loopback websocket); everything a Client does works over it, bad messages are
 * refused as over a socket, and closing releases it all.
 *
 * TSDASK_INPROC_CHECK=1 freezes every message handed over the link (and checks it is plain
 * data), so a side that mutated a message after sending it, or one it received, throws here.
 */
import t from 'tap';
import { get } from 'node:http';
import { CancelledError, Client, compute, delayed, LocalCluster } from '../../src/index.js';
import { Connection, RemoteError } from '../../src/distributed/connection.js';
import { InProcessLink } from '../../src/distributed/links/in-process.js';
import { WebSocketLink } from '../../src/distributed/links/websocket.js';
import { clientHello, isRecord, parseClientWelcome, parseSchedulerIdentity, PROTOCOL_VERSION, toScheduler } from '../../src/distributed/protocol/index.js';
import { helloBase } from '../../src/distributed/server.js';
import type { SchedulerServer } from '../../src/distributed/scheduler/server.js';

process.env.TSDASK_INPROC_CHECK = '1';

const inc = (x: number) => x + 1;
const add = (x: number, y: number) => x + y;

/** TCP sockets open in this process (a websocket client adds two: its own and the scheduler's end). */
function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** The links the scheduler serves its clients over. */
function clientLinks(server: SchedulerServer): string[] {
  return [...server.state.clients.values()].map((c) =>
    c.sink instanceof Connection
      ? c.sink.link instanceof InProcessLink
        ? 'in-process'
        : c.sink.link instanceof WebSocketLink
          ? 'websocket'
          : 'other'
      : 'no connection',
  );
}

/** How many clients the dashboard lists (without a keep-alive socket, so socket counts stay exact). */
function dashboardClients(link: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(new URL('/api/state', link), { agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const body: unknown = JSON.parse(text);
        resolve(isRecord(body) ? body.clients : undefined);
      });
    }).on('error', reject);
  });
}

/** Let queued deliveries and close notices run. */
const settle = () => new Promise((r) => setTimeout(r, 50));

t.test('a Client on a LocalCluster uses the in-process link; one given the address uses a websocket', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, memoryLimit: 0, dashboardAddress: '127.0.0.1:0' });
  t.teardown(() => cluster.close());
  const before = tcpSockets();
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  t.equal(await client.submit(inc, 41), 42);
  t.equal(tcpSockets(), before, 'no socket was opened for it');
  t.same(clientLinks(cluster.scheduler), ['in-process'], 'the scheduler serves it over an in-process link');
  t.equal(client.schedulerAddress, cluster.schedulerAddress, 'it still names the scheduler by its address');
  t.equal(await dashboardClients(client.dashboardLink ?? ''), 1, 'the dashboard lists it');

  // The same scheduler reached by its address: a websocket, as for a scheduler elsewhere.
  await settle();
  const beforeRemote = tcpSockets();
  const remote = await Client.connect(cluster.schedulerAddress, { setAsDefault: false });
  t.teardown(() => remote.close());
  t.equal(await remote.submit(inc, 1), 2);
  t.equal(tcpSockets(), beforeRemote + 2, 'a websocket client opens a socket (and the scheduler accepts one)');
  t.same(clientLinks(cluster.scheduler).sort(), ['in-process', 'websocket']);
  t.equal(await dashboardClients(client.dashboardLink ?? ''), 2);
  const mine = client.submit(inc, 5);
  t.throws(() => remote.submit(inc, mine), /Future 'inc-\w+' belongs to another Client/, 'a Future stays with the Client that made it');
  t.equal(await remote.submit(inc, await mine), 7);
});

t.test('compute, map, gather, persist, futures, errors and cancel work over it', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 2, memoryLimit: 0, dashboardAddress: null });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());

  // Futures, and futures as arguments.
  const a = client.submit(inc, 1);
  const b = client.submit(add, a, 10);
  t.equal(await b, 12);
  t.equal(a.status, 'finished');
  t.same(await client.gather(client.map(inc, [1, 2, 3])), [2, 3, 4]);
  t.same(await client.gather({ x: a, ys: [b, 5] }), { x: 2, ys: [12, 5] }, 'gather keeps the structure');

  // A graph through compute(), and a persisted one.
  let total = delayed(add)(delayed(inc)(1), delayed(inc)(2));
  t.same(await compute(total, { scheduler: client }), [5]);
  [total] = await client.persist([total]);
  t.same(await compute(delayed(inc)(total), { scheduler: client }), [6], 'a persisted value feeds a later graph');

  // Keys released in a loop share one message; what follows it is still seen after it.
  const again = client.map(inc, [300, 301, 302]);
  t.same(await client.gather(again), [301, 302, 303]);
  for (const f of again) f.release();
  const [resubmitted] = client.map(inc, [300]);
  t.equal(resubmitted.key, again[0].key, 'the same key');
  t.equal(await resubmitted, 301, 'a key released and submitted again in one turn is computed again');
  t.same(
    again.map((f) => cluster.scheduler.state.tasks.has(f.key)),
    [true, false, false],
    'the released keys are gone from the scheduler, the resubmitted one is back',
  );

  // Errors travel with their message; a failed input fails its dependents.
  const fail = (x: number) => {
    throw new Error(`bad input ${x}`);
  };
  const bad = client.submit(fail, 7);
  await t.rejects(bad.result(), /bad input 7/);
  await t.rejects(client.submit(inc, bad).result(), /bad input 7/);

  // Cancel: a task that would run for a long time.
  const sleep = (ms: number) => new Promise<number>((r) => setTimeout(() => r(ms), ms));
  const slow = client.submitWith({ pure: false }, sleep, 60_000);
  await client.cancel([slow]);
  await t.rejects(slow.result(), CancelledError);
  t.equal(slow.status, 'cancelled');
  t.equal(await client.submit(inc, 100), 101, 'the cluster serves after a cancel');
});

t.test('what a Client sends or gets over the link is its own copy', async (t) => {
  // Without the freezing check: frozen messages would hide a write instead of showing where it lands.
  process.env.TSDASK_INPROC_CHECK = '0';
  t.teardown(() => {
    process.env.TSDASK_INPROC_CHECK = '1';
  });
  const cluster = await LocalCluster.start({ nWorkers: 2, memoryLimit: 0, dashboardAddress: null, resources: { GPU: 1 } });
  t.teardown(() => cluster.close());
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  // Bytes are copied on the way: changing the array after scatter does not change what workers read.
  const data = new Float64Array([1, 2, 3]);
  // (A list: awaiting a promise of one Future would await the Future too.)
  const [sent] = await client.scatter([data]);
  data[0] = 1000;
  const sum = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0);
  t.equal(await client.submit(sum, sent), 6);
  const got = await sent.result();
  t.same([...got], [1, 2, 3]);
  got[1] = -1;
  t.same([...(await sent.result())], [1, 2, 3], 'a fetched value is the caller’s own copy');
  // A task's argument bytes: the scheduler keeps the task (to rerun it if a worker dies) with its own copy.
  const arg = new Float64Array([1, 2, 3]);
  const summed = client.submit(sum, arg);
  t.equal(await summed, 6);
  arg[0] = 1000;
  const stored = cluster.scheduler.state.tasks.get(summed.key)?.spec?.frames ?? [];
  t.same(
    stored.map((f) => [...new Float64Array(f.buffer, f.byteOffset, f.byteLength / 8)]),
    [[1, 2, 3]],
    'changing the argument after submit leaves the scheduler’s copy alone',
  );

  // What the scheduler reports is the caller's copy too.
  const info = await client.schedulerInfo();
  t.equal(info.workers, 2);
  // Readonly in TypeScript; JavaScript callers can still write to it.
  Reflect.set(info.workerList[0].resources, 'GPU', 99);
  t.same(
    [...cluster.scheduler.state.workers.values()].map((w) => w.resources.GPU),
    [1, 1],
    'changing the returned worker list leaves the scheduler alone',
  );
});

t.test('a malformed message over the link is refused with a ProtocolError and the link keeps serving', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, memoryLimit: 0, dashboardAddress: null });
  t.teardown(() => cluster.close());
  const conn = cluster.scheduler.connectInProcess();
  t.teardown(() => conn.close());
  const welcome = await conn.request(clientHello({ role: 'client', ...helloBase(cluster.token) }), parseClientWelcome, 10_000);
  t.match(welcome.result.id, /^client-\d+$/, 'the hello is answered as over a socket');

  const refused: { message: string; op: string | undefined }[] = [];
  conn.on('refused', (message: string, op: string | undefined) => refused.push({ message, op }));
  // An operation the scheduler does not know, and a worker's message from a client: notices.
  conn.link.send([{ op: 'frobnicate' }, { op: 'finished', key: 'x' }], []);
  // A request whose payload points at frames the batch does not have: an error reply.
  const scatter = toScheduler.scatter({
    items: [{ key: 'x', value: { header: 'h', firstFrame: 0, frameCount: 2 }, nbytes: 8, type: 'number' }],
    broadcast: false,
  });
  const err = await conn.request(scatter, parseSchedulerIdentity, 10_000).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof RemoteError, 'the request is refused');
  if (err instanceof RemoteError) {
    t.equal(err.name, 'ProtocolError');
    t.match(err.message, /malformed 'scatter' from a client: field 'items\[0\]\.value\.frameCount' must be a frame range within the 0 frame\(s\)/);
  }
  await settle();
  t.same(
    refused.map((r) => r.op),
    ['frobnicate', 'finished'],
  );
  t.match(refused[0].message, /unknown operation 'frobnicate' from a client/);
  t.equal(cluster.scheduler.state.tasks.size, 0, 'nothing reached the state machine');

  const identity = await conn.request(toScheduler.identity(), parseSchedulerIdentity, 10_000);
  t.equal(identity.result.workers, 1, 'the same link answers a valid request afterwards');

  // A hello of another protocol version is refused by name and the link closed, as over a socket.
  const other = cluster.scheduler.connectInProcess();
  const closed = new Promise<number>((r) => other.on('close', (code: number) => r(code)));
  await t.rejects(
    other.request({ op: 'hello', role: 'client', version: 999, tsdask: '9.9.9' }, parseClientWelcome, 10_000),
    new RegExp(`version mismatch: .*protocol ${PROTOCOL_VERSION} .*protocol 999 \\(tsdask 9\\.9\\.9\\)`),
  );
  t.equal(await closed, 4002, 'closed with the version-mismatch code');
});

t.test('closing the client, or the cluster under it, releases everything', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, memoryLimit: 0, dashboardAddress: null });
  const first = await Client.connect(cluster, { setAsDefault: false });
  t.equal(await first.submit(inc, 1), 2);
  await first.close();
  await settle();
  t.same(clientLinks(cluster.scheduler), [], 'the scheduler dropped the closed client');
  t.throws(() => first.submit(inc, 1), /this Client is closed/);

  // The cluster closes under a connected client: its waiting futures fail, it refuses new work.
  const second = await Client.connect(cluster, { setAsDefault: false });
  const sleep = (ms: number) => new Promise<number>((r) => setTimeout(() => r(ms), ms));
  const pending = second.submitWith({ pure: false }, sleep, 60_000);
  const outcome = pending.result().then(
    () => 'resolved',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  await cluster.close();
  t.match(await outcome, /lost the connection to the scheduler|shutting down/);
  t.throws(() => second.submit(inc, 1), /this Client is closed/);
  await second.close();
  t.throws(() => cluster.scheduler.connectInProcess(), /shutting down/, 'a closed scheduler takes no new in-process clients');
  // Handles close asynchronously (and earlier tests' clusters may still be closing): wait a bounded while.
  const tcp = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
  for (let i = 0; i < 100 && tcp().length > 0; i++) await settle();
  t.same(tcp(), [], 'no sockets or servers are left open');
  // Nothing else may hold the process open either: tap fails this file if it does not exit.
});
