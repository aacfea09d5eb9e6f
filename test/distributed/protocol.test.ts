/**
 * The wire protocol: every direction's parser accepts each kind of message (built through the
 * typed constructors and sent through the real framing) and refuses malformed ones with an
 * error naming the operation and the field. Then, live: a raw websocket client says hello to a
 * real scheduler, sends an unknown operation and malformed messages, hears why each was
 * refused, and the scheduler (and that connection) keep serving.
 */
import t, { type Test } from 'tap';
import WebSocket from 'ws';
import { Client, LocalCluster } from '../../src/index.js';
import { wsUrl, parseAddress } from '../../src/distributed/address.js';
import {
  toDiagnostics,
  toScaling,
  type ClientToScheduler,
  clientHello,
  fromWorker,
  helloParser,
  parsePulse,
  pulseHello,
  toPulse,
  isRecord,
  type MessageParser,
  packMessage,
  parseClientToScheduler,
  parseGetDataReply,
  parsePeerRequest,
  parseSchedulerToClient,
  parseSchedulerToWorker,
  parseWorkerSettings,
  parseWorkerToNanny,
  parseWorkerToScheduler,
  type Payload,
  type PayloadRef,
  peerHello,
  PROTOCOL_VERSION,
  ProtocolError,
  resolvePayload,
  type SchedulerToClient,
  type SchedulerToWorker,
  toClient,
  toNanny,
  toPeer,
  toScheduler,
  toWorker,
  unpackMessage,
  workerHello,
  type WorkerToNanny,
  type WorkerToScheduler,
} from '../../src/distributed/protocol/index.js';

/** Frames of one batch being built, the way a connection wires payloads. */
class Batch {
  frames: Uint8Array[] = [];
  wire(p: Payload): PayloadRef {
    if (p.frames.length === 0) return { header: p.header };
    const ref = { header: p.header, firstFrame: this.frames.length, frameCount: p.frames.length };
    this.frames.push(...p.frames);
    return ref;
  }
}

/** Send messages through the real framing and back: what a peer would receive. */
function roundTrip(messages: readonly object[], frames: Uint8Array[]): { messages: readonly unknown[]; frames: Uint8Array[] } {
  return unpackMessage(packMessage(messages, frames));
}

function accepts<M extends { op: string }>(t: Test, name: string, parse: MessageParser<M>, build: (b: Batch) => M[]): void {
  const b = new Batch();
  const sent = build(b);
  t.same([...new Set(sent.map((m) => m.op))].sort(), [...parse.ops].sort(), `${name}: one sample of every kind`);
  const got = roundTrip(sent, b.frames);
  got.messages.forEach((raw, i) => {
    const m = parse(raw, got.frames.length);
    if (m instanceof ProtocolError) t.fail(`${name}: '${sent[i].op}' refused: ${m.message}`);
    else t.same(m, JSON.parse(JSON.stringify(sent[i])), `${name}: '${m.op}' accepted as sent`);
  });
}

const bytes = (...xs: number[]) => new Uint8Array(xs);
const spec: Payload = { header: 'T["fn-1","[1,2]",0]', frames: [bytes(1, 2, 3)] };
const value: Payload = { header: 'plain', frames: [] };
const error = { name: 'RangeError', message: 'bad input 3', taskKey: 'boom-1' };

t.test('each direction accepts every kind of message it has', async (t) => {
  accepts<ClientToScheduler>(t, 'client to scheduler', parseClientToScheduler, (b) => [
    toScheduler.updateGraph({
      tasks: [{ key: 'inc-1', deps: ['x'], order: 0, spec: b.wire(spec), functions: ['fn-1'], retries: 0, resources: { GPU: 1 } }],
      functions: [{ id: 'fn-1', spec: { kind: 'source', hash: 'h', source: '(x) => x + 1', name: 'inc' } }],
      wants: ['inc-1'],
      push: [],
      events: false,
      more: false,
    }),
    toScheduler.releaseKeys(['a']),
    toScheduler.push(['a']),
    toScheduler.cancel(['a']),
    toScheduler.want(['a']),
    toScheduler.scatter({ items: [{ key: 's', value: b.wire(spec), nbytes: 3, type: 'Uint8Array' }], broadcast: true }),
    toScheduler.upload({ name: 'mod.ts', data: b.wire({ header: '', frames: [bytes(9)] }) }),
    toScheduler.restart(),
    toScheduler.identity(),
    toScheduler.shutdown(),
    toDiagnostics.profile(1000),
    toDiagnostics.report('start'),
    toDiagnostics.report('stop', 3),
    toScaling.target(5, 2),
    toScaling.retire(['tcp://127.0.0.1:1', 'w-2']),
  ]);
  accepts<SchedulerToClient>(t, 'scheduler to client', parseSchedulerToClient, (b) => [
    toClient.keyInMemory({ key: 'a', type: 'number', nbytes: 8 }),
    toClient.taskErred({ key: 'a', error, cause: 'boom-1' }),
    toClient.cancelled({ key: 'a', reason: 'restart' }),
    toClient.lost('a'),
    toClient.value({ key: 'a', value: b.wire(spec) }),
    toClient.taskDone({ key: 'a', worker: 'tcp://127.0.0.1:1', duration: 1.5 }),
    toClient.workers({ workers: 2, threads: 4, memory: 1e9 }),
    toClient.workers({
      workers: 1,
      threads: 1,
      memory: 1e9,
      workerList: [
        {
          address: 'tcp://127.0.0.1:1',
          name: 'w',
          nthreads: 1,
          memoryLimit: 1e9,
          resources: {},
          memory: {
            status: 'paused',
            rss: 9e8,
            managed: 1e8,
            unmanaged: 8e8,
            heap: 5e7,
            spilled: 2e8,
            spilledCount: 3,
            pauseReason: 'process memory above 80%',
          },
        },
      ],
    }),
    toClient.event('worker w restarted'),
    toClient.closing(),
  ]);
  accepts<SchedulerToWorker>(t, 'scheduler to worker', parseSchedulerToWorker, (b) => [
    toWorker.compute({
      key: 'b',
      spec: b.wire(spec),
      priority: 3,
      deps: [{ key: 'a', nbytes: 8, holders: ['tcp://127.0.0.1:2'] }],
      sendResult: true,
      isolate: false,
      resources: { GPU: 1, MEM: 1e9 },
    }),
    toWorker.functions([
      { id: 'k', spec: { kind: 'kernel', name: 'tsdask.identity' } },
      { id: 'm', spec: { kind: 'module', path: '/x.js', exportName: 'f' } },
    ]),
    toWorker.freeKeys(['a'], true),
    toWorker.cancelCompute(['a']),
    toWorker.steal(['a'], 'tcp://127.0.0.1:3'),
    toWorker.sendResults(['a']),
    toWorker.putData([{ key: 's', value: b.wire(value), nbytes: 8, type: 'number' }]),
    toWorker.upload('mod.ts', b.wire({ header: '', frames: [bytes(7)] })),
    toWorker.runAnyway('a', 'every worker is paused'),
    toWorker.replicate([{ key: 'a', nbytes: 8, holders: ['tcp://127.0.0.1:2'] }]),
    toWorker.restart(),
    toWorker.close('bye'),
    toDiagnostics.profile(500),
    toDiagnostics.logs(),
  ]);
  accepts<WorkerToScheduler>(t, 'worker to scheduler', parseWorkerToScheduler, (b) => [
    fromWorker.started(['a', 'b']),
    fromWorker.finished({ key: 'a', nbytes: 8, type: 'number', startedAt: 1, stoppedAt: 2, value: b.wire(spec) }),
    fromWorker.erred({ key: 'a', error, startedAt: 1, stoppedAt: 2 }),
    fromWorker.missingData({ key: 'b', dep: 'a', tried: ['tcp://127.0.0.1:2'] }),
    fromWorker.results({ values: [{ key: 'a', value: b.wire(spec) }], missing: ['c'], errors: [{ key: 'd', error }] }),
    fromWorker.addReplicas([{ key: 'a', nbytes: 8 }]),
    fromWorker.stealResponse({ removed: ['a'], kept: ['b'], thief: 'tcp://127.0.0.1:3' }),
    fromWorker.heartbeat({ rss: 1e8, stored: 10, spilled: 0, spilledCount: 0, executing: 1, cpu: 5 }),
    fromWorker.heartbeat({ rss: 1e8, stored: 10, spilled: 0, spilledCount: 0, executing: 1, cpu: 5, heap: 4e7 }),
    fromWorker.status('paused', 'memory'),
  ]);
  accepts(t, 'worker to worker', parsePeerRequest, () => [toPeer.getData(['a'])]);
  accepts<WorkerToNanny>(t, 'worker process to nanny', parseWorkerToNanny, () => [
    toNanny.listening('tcp://127.0.0.1:4'),
    toNanny.ready('tcp://127.0.0.1:4', 'w'),
    toNanny.failed('refused'),
    toNanny.exiting(0),
    toNanny.heartbeat(1e8),
  ]);

  // Payloads come back with their own frames.
  const b = new Batch();
  b.wire({ header: 'other', frames: [bytes(5)] });
  const sent = toClient.value({ key: 'a', value: b.wire(spec) });
  const got = roundTrip([sent], b.frames);
  const m = parseSchedulerToClient(got.messages[0], got.frames.length);
  if (m instanceof ProtocolError || m.op !== 'value') t.fail('value refused');
  else t.same([...resolvePayload(m.value, got.frames).frames[0]], [1, 2, 3], 'a payload reference resolves to its own frames');

  // Hellos of every role, and the reply of a peer's data request.
  const parseHello = helloParser({ role: 'scheduler', tsdask: '0.0.0' });
  const base = { version: PROTOCOL_VERSION, tsdask: '0.0.0', token: undefined };
  for (const h of [
    clientHello({ role: 'client', ...base }),
    peerHello({ role: 'peer', ...base }),
    pulseHello({ role: 'pulse', ...base, address: 'tcp://127.0.0.1:5' }),
    workerHello({
      role: 'worker',
      ...base,
      address: 'tcp://127.0.0.1:5',
      name: 'w',
      nthreads: 2,
      memoryLimit: 0,
      pid: 1,
      host: 'h',
      restartReason: '',
      resources: {},
    }),
    workerHello({
      role: 'worker',
      ...base,
      address: 'tcp://127.0.0.1:6',
      name: 'w',
      nthreads: 1,
      memoryLimit: 1e9,
      pid: 2,
      host: 'h',
      restartReason: 'killed by its nanny',
      resources: {},
      replaces: 'tcp://127.0.0.1:5',
      killedForMemory: { rss: 9.6e8, limit: 1e9 },
    }),
  ]) {
    const r = parseHello(JSON.parse(JSON.stringify(h)), 0);
    t.notOk(r instanceof ProtocolError, `hello of a ${h.role} accepted`);
  }
  t.notOk(parsePulse(JSON.parse(JSON.stringify(toPulse.pulse(2500))), 0) instanceof ProtocolError, 'a pulse is accepted');
  t.ok(parsePulse({ op: 'pulse', busyMs: 'long' }, 0) instanceof ProtocolError, 'a pulse without a number is refused');
  t.ok(parseHello({ op: 'hello', role: 'pulse', ...base }, 0) instanceof ProtocolError, "a pulse hello without the worker's address is refused");
  const reply = parseGetDataReply({ values: [{ key: 'a', value: { header: 'h' }, nbytes: 8, type: 'number' }], missing: [], errors: [] }, 0);
  t.notOk(reply instanceof ProtocolError, 'a get-data reply is accepted');
  t.notOk(
    parseWorkerSettings({ scheduler: 'tcp://127.0.0.1:1', nthreads: 2, executor: 'threads', tls: { cert: 'c', key: 'k' } }, 0) instanceof ProtocolError,
    'worker settings are accepted',
  );
  const thresholds = { target: 0.6, spill: 0.7, pause: false, terminate: 0.95 };
  t.notOk(
    parseWorkerSettings(
      { scheduler: 'tcp://127.0.0.1:1', memoryThresholds: thresholds, replaces: 'tcp://127.0.0.1:2', killedForMemory: { rss: 1, limit: 2 } },
      0,
    ) instanceof ProtocolError,
    'worker settings with memory thresholds are accepted',
  );
  const bad = parseWorkerSettings({ scheduler: 'tcp://127.0.0.1:1', memoryThresholds: { ...thresholds, spill: 1.5 } }, 0);
  if (bad instanceof ProtocolError)
    t.match(bad.message, /field 'memoryThresholds\.spill' must be a fraction in \(0, 1\] or false/, 'a threshold above 1 is refused, naming it');
  else t.fail('a threshold above 1 was accepted');
});

t.test('constructors keep every field they are given (optional ones too)', async (t) => {
  const ref: PayloadRef = { header: 'h', firstFrame: 0, frameCount: 1 };
  const withoutOp = (m: { op: string }): object => Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'op'));
  const cases: [string, object, { op: string }][] = [];
  const add = <B extends object>(name: string, body: B, make: (b: B) => { op: string }) => cases.push([name, body, make(body)]);
  add('updateGraph', { tasks: [], functions: [], wants: ['a'], push: ['a'], events: true, more: true }, toScheduler.updateGraph);
  add('scatter', { items: [], broadcast: true }, toScheduler.scatter);
  add('upload', { name: 'm.ts', data: ref }, toScheduler.upload);
  add('keyInMemory', { key: 'a', type: 'number', nbytes: 8 }, toClient.keyInMemory);
  add('taskErred', { key: 'a', error, cause: 'b' }, toClient.taskErred);
  add('cancelled', { key: 'a', reason: 'why' }, toClient.cancelled);
  add('value', { key: 'a', value: ref }, toClient.value);
  add('taskDone', { key: 'a', worker: 'w', duration: 1 }, toClient.taskDone);
  add('workers', { workers: 1, threads: 2, memory: 3, workerList: [] }, toClient.workers);
  add('compute', { key: 'a', spec: ref, priority: 1, deps: [], sendResult: true, isolate: true, resources: { GPU: 1 } }, toWorker.compute);
  add('finished', { key: 'a', nbytes: 8, type: 'number', startedAt: 1, stoppedAt: 2, value: ref }, fromWorker.finished);
  add('erred', { key: 'a', error, startedAt: 1, stoppedAt: 2 }, fromWorker.erred);
  add('missingData', { key: 'a', dep: 'b', tried: ['w'] }, fromWorker.missingData);
  add('results', { values: [], missing: ['a'], errors: [] }, fromWorker.results);
  add('stealResponse', { removed: ['a'], kept: [], thief: 'w' }, fromWorker.stealResponse);
  add('heartbeat', { rss: 1, stored: 2, spilled: 3, spilledCount: 4, executing: 5, cpu: 6, heap: 7 }, fromWorker.heartbeat);
  for (const [name, body, made] of cases) t.same(withoutOp(made), body, `${name} copies all of its fields`);
});

/** The refusal of `raw`, which must be a ProtocolError naming `op` and `field`. */
function refused<M>(
  t: Test,
  parse: (raw: unknown, frames: number) => M | ProtocolError,
  raw: unknown,
  op: string | undefined,
  field: string | undefined,
  message: RegExp,
  frames = 0,
): void {
  const r = parse(raw, frames);
  if (!(r instanceof ProtocolError)) {
    t.fail(`accepted ${JSON.stringify(raw)}`);
    return;
  }
  t.equal(r.op, op, `op named: ${r.message}`);
  t.equal(r.field, field, 'field named');
  t.match(r.message, message);
}

t.test('malformed and unknown messages are refused, naming the operation and the field', async (t) => {
  const good = toWorker.compute({
    key: 'b',
    spec: { header: 'h' },
    priority: 3,
    deps: [{ key: 'a', nbytes: 8, holders: [] }],
    sendResult: false,
    isolate: false,
  });
  const { key: _key, ...noKey } = good;
  refused(
    t,
    parseSchedulerToWorker,
    noKey,
    'compute',
    'key',
    /malformed 'compute' from the scheduler: field 'key' must be a string, got nothing \(the field is missing\)/,
  );
  refused(t, parseSchedulerToWorker, { ...good, priority: '3' }, 'compute', 'priority', /field 'priority' must be a number, got the string '3'/);
  refused(
    t,
    parseSchedulerToWorker,
    { ...good, deps: [{ key: 'a', nbytes: 8, holders: 'tcp://x' }] },
    'compute',
    'deps[0].holders',
    /field 'deps\[0\]\.holders' must be a list of strings/,
  );
  refused(t, parseSchedulerToWorker, { ...good, sendResult: 1 }, 'compute', 'sendResult', /must be true or false, got number 1/);
  refused(
    t,
    parseSchedulerToWorker,
    { ...good, spec: { header: 'h', firstFrame: 0, frameCount: 2 } },
    'compute',
    'spec.frameCount',
    /a frame range within the 1 frame\(s\) of its message/,
    1,
  );
  refused(t, parseSchedulerToWorker, { ...good, resources: { GPU: -1 } }, 'compute', 'resources.GPU', /must be a non-negative amount under a resource name/);
  refused(t, parseSchedulerToWorker, { ...good, resources: { 'G PU': 1 } }, 'compute', 'resources.G PU', /resource name/);
  refused(t, parseSchedulerToWorker, { op: 'compute!', key: 'b' }, 'compute!', 'op', /unknown operation 'compute!' from the scheduler \(known: 'compute', /);
  refused(t, parseSchedulerToWorker, { key: 'b' }, undefined, 'op', /has no operation name/);
  refused(t, parseSchedulerToWorker, ['compute'], undefined, undefined, /must be an object, got a list/);
  refused(
    t,
    parseSchedulerToWorker,
    { op: 'functions', functions: [{ id: 'f', spec: { kind: 'closure', name: 'f' } }] },
    'functions',
    'functions[0].spec.kind',
    /'kernel', 'module' or 'source'/,
  );

  const graph = toScheduler.updateGraph({
    tasks: [{ key: 'x', deps: [], order: 0, spec: { header: 'h' }, functions: null, retries: 0 }],
    functions: [],
    wants: ['x'],
    push: [],
    events: false,
    more: false,
  });
  refused(
    t,
    parseClientToScheduler,
    { ...graph, tasks: [{ key: 'x', deps: [], spec: { header: 'h' }, functions: null }] },
    'update-graph',
    'tasks[0].order',
    /malformed 'update-graph' from a client: field 'tasks\[0\]\.order' must be a number, got nothing/,
  );
  refused(
    t,
    parseClientToScheduler,
    { ...graph, tasks: [{ key: 'x', deps: [], order: 0, spec: { header: 'h' }, functions: null, retries: 1.5 }] },
    'update-graph',
    'tasks[0].retries',
    /field 'tasks\[0\]\.retries' must be an integer, got number 1\.5/,
  );
  refused(t, parseClientToScheduler, { ...graph, wants: 'x' }, 'update-graph', 'wants', /must be a list of strings, got the string 'x'/);
  refused(
    t,
    parseClientToScheduler,
    { ...graph, tasks: [{ key: 'x', deps: [3], order: 0, spec: { header: 'h' }, functions: null, retries: 0 }] },
    'update-graph',
    'tasks[0].deps[0]',
    /must be a string, got number 3/,
  );
  refused(t, parseClientToScheduler, { op: 'compute', key: 'x' }, 'compute', 'op', /unknown operation 'compute' from a client/);
  refused(t, parseClientToScheduler, { op: 'scatter', rid: 'one', items: [], broadcast: false }, 'scatter', 'rid', /must be an integer/);

  refused(t, parseSchedulerToClient, { op: 'task-erred', key: 'a', error: { name: 'E' } }, 'task-erred', 'error.message', /must be a string/);
  refused(t, parseSchedulerToClient, { op: 'key-in-memory', key: 'a', type: 'number' }, 'key-in-memory', 'nbytes', /must be a number, got nothing/);
  refused(
    t,
    parseWorkerToScheduler,
    { op: 'finished', key: 'a', nbytes: 8, type: 'number', startedAt: 1 },
    'finished',
    'stoppedAt',
    /malformed 'finished' from a worker/,
  );
  refused(t, parseWorkerToScheduler, { op: 'status', status: 'sleeping' }, 'status', 'status', /must be 'paused' or 'running', got the string 'sleeping'/);
  refused(t, parseWorkerToScheduler, { op: 'results', values: [], missing: [], errors: [{ key: 'a' }] }, 'results', 'errors[0].error', /must be an error/);
  refused(t, parsePeerRequest, { op: 'get-data', rid: 1, keys: 'a' }, 'get-data', 'keys', /from a peer worker: field 'keys'/);
  refused(t, parseWorkerToNanny, { op: 'ready', address: 7 }, 'ready', 'address', /from the worker process/);
  refused(t, parseWorkerSettings, { scheduler: 'tcp://x', executor: 'gpu' }, 'worker options', 'executor', /'inline' or 'threads'/);

  const parseHello = helloParser({ role: 'scheduler', tsdask: '0.0.0' });
  const h = workerHello({
    role: 'worker',
    version: PROTOCOL_VERSION,
    tsdask: '0.0.0',
    token: undefined,
    address: 'tcp://x',
    name: 'w',
    nthreads: 1,
    memoryLimit: 0,
    pid: 1,
    host: 'h',
    restartReason: '',
    resources: {},
  });
  refused(t, parseHello, { ...h, nthreads: '1' }, 'hello', 'nthreads', /field 'nthreads' must be an integer/);
  refused(t, parseHello, { ...h, role: 'nanny' }, 'hello', 'role', /unknown role the string 'nanny'/);
  refused(t, parseHello, { op: 'update-graph' }, 'update-graph', 'op', /expected a hello first, got 'update-graph'/);
  const other = parseHello({ ...h, version: PROTOCOL_VERSION + 1, nthreads: 'whatever' }, 0);
  t.ok(
    other instanceof ProtocolError && other.closeCode === 4002 && /version mismatch: this scheduler speaks tsdask protocol/.test(other.message),
    'another version is named before its fields are checked',
  );
});

/** A websocket that speaks the framing by hand, to send what no tsdask process would. */
class RawPeer {
  private readonly inbox: unknown[] = [];
  private wake: (() => void) | undefined;
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      for (const m of unpackMessage(data).messages) this.inbox.push(m);
      this.wake?.();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake?.();
    });
  }
  static open(address: string): Promise<RawPeer> {
    const ws = new WebSocket(wsUrl(parseAddress(address)), { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawPeer(ws)));
      ws.once('error', reject);
    });
  }
  send(...messages: object[]): void {
    this.ws.send(packMessage(messages, []), { binary: true });
  }
  /** The next received message matching `pred` (others stay queued). */
  async next(pred: (m: Record<string, unknown>) => boolean, ms = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex((m) => isRecord(m) && pred(m));
      if (i >= 0) {
        const m = this.inbox.splice(i, 1)[0];
        if (isRecord(m)) return m;
      }
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting`);
      if (Date.now() > deadline) throw new Error(`nothing matching within ${ms} ms; got ${JSON.stringify(this.inbox)}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }
  reply(rid: number): Promise<Record<string, unknown>> {
    return this.next((m) => m.op === 'reply' && m.rid === rid);
  }
}

function errorMessage(reply: Record<string, unknown>): string {
  const e = reply.error;
  return isRecord(e) && typeof e.message === 'string' ? e.message : `no error in ${JSON.stringify(reply)}`;
}

t.test('live: a scheduler refuses bad messages with a clear error and keeps serving', async (t) => {
  const cluster = await LocalCluster.start({ nWorkers: 1, dashboardAddress: null, memoryLimit: 0 });
  t.teardown(() => cluster.close());
  const base = { version: PROTOCOL_VERSION, tsdask: 'raw-test', token: undefined };

  const raw = await RawPeer.open(cluster.schedulerAddress);
  t.teardown(() => raw.ws.terminate());
  raw.send({ ...clientHello({ role: 'client', ...base }), rid: 1 });
  const welcome = await raw.reply(1);
  t.equal(welcome.error, undefined, 'the hello is accepted');
  t.ok(isRecord(welcome.result) && typeof welcome.result.id === 'string', 'and answered with the client id');

  // An unknown operation with a request id: a reply error.
  raw.send({ op: 'frobnicate', rid: 2 });
  t.match(errorMessage(await raw.reply(2)), /unknown operation 'frobnicate' from a client/);
  // Scheduler-to-worker operations are unknown from a client too; without an id: a notice.
  raw.send({ op: 'compute', key: 'x', spec: { header: 'h' }, priority: 0, deps: [], sendResult: false, isolate: false });
  const notice = await raw.next((m) => m.op === 'protocol-error');
  t.equal(notice.refused, 'compute');
  t.match(notice.message, /unknown operation 'compute' from a client/);
  // A malformed update-graph: a task without deps, and one whose spec points at frames that do not exist.
  raw.send({
    op: 'update-graph',
    tasks: [{ key: 'x', order: 0, spec: { header: 'h' }, functions: null, retries: 0 }],
    functions: [],
    wants: ['x'],
    push: [],
    events: false,
    more: false,
  });
  t.match(
    (await raw.next((m) => m.op === 'protocol-error')).message,
    /malformed 'update-graph' from a client: field 'tasks\[0\]\.deps' must be a list of strings, got nothing/,
  );
  raw.send({
    op: 'update-graph',
    tasks: [{ key: 'x', deps: [], order: 0, spec: { header: 'h', firstFrame: 0, frameCount: 1 }, functions: null, retries: 0 }],
    functions: [],
    wants: ['x'],
    push: [],
    events: false,
    more: false,
  });
  t.match((await raw.next((m) => m.op === 'protocol-error')).message, /field 'tasks\[0\]\.spec\.frameCount' must be a frame range within the 0 frame\(s\)/);
  t.equal(cluster.scheduler.state.tasks.size, 0, 'nothing reached the state machine');

  // The same connection still serves a valid request.
  raw.send({ ...toScheduler.identity(), rid: 3 });
  const identity = await raw.reply(3);
  t.ok(isRecord(identity.result) && identity.result.workers === 1, 'and answers a valid request afterwards');

  // A raw worker sending a malformed message hears why, too (then leaves before it gets work).
  const rawWorker = await RawPeer.open(cluster.schedulerAddress);
  rawWorker.send({
    ...workerHello({
      role: 'worker',
      ...base,
      address: 'tcp://127.0.0.1:9',
      name: 'raw',
      nthreads: 1,
      memoryLimit: 0,
      pid: 1,
      host: 'h',
      restartReason: '',
      resources: {},
    }),
    rid: 1,
  });
  t.equal((await rawWorker.reply(1)).error, undefined);
  rawWorker.send({ op: 'finished', key: 'x', nbytes: 'eight', type: 'number', startedAt: 0, stoppedAt: 1 });
  t.match(
    (await rawWorker.next((m) => m.op === 'protocol-error')).message,
    /malformed 'finished' from a worker: field 'nbytes' must be a number, got the string 'eight'/,
  );
  rawWorker.ws.close();

  // A worker's data port refuses a malformed request from a peer the same way.
  const workerAddress = [...cluster.scheduler.state.workers.keys()].find((a) => a !== 'tcp://127.0.0.1:9');
  if (workerAddress === undefined) throw new Error('no worker');
  const peer = await RawPeer.open(workerAddress);
  t.teardown(() => peer.ws.terminate());
  peer.send({ ...peerHello({ role: 'peer', ...base }), rid: 1 });
  t.equal((await peer.reply(1)).error, undefined);
  peer.send({ op: 'get-data', rid: 2, keys: 'x' });
  t.match(errorMessage(await peer.reply(2)), /malformed 'get-data' from a peer worker: field 'keys' must be a list of strings/);
  peer.send({ ...toPeer.getData(['nothing-here']), rid: 3 });
  t.same((await peer.reply(3)).result, { values: [], missing: ['nothing-here'], errors: [] }, 'and serves a valid one');

  // A bad hello closes the connection, with the reason.
  const bad = await RawPeer.open(cluster.schedulerAddress);
  bad.send({ op: 'hello', role: 'client', version: PROTOCOL_VERSION, tsdask: 5, rid: 1 });
  t.match(errorMessage(await bad.reply(1)), /malformed 'hello' from the caller: field 'tsdask' must be a string/);
  await bad.next(() => false, 3000).catch(() => undefined);
  t.equal(bad.closed?.code, 4000, 'and closed the connection');

  // A normal Client is served as before.
  const client = await Client.connect(cluster, { setAsDefault: false });
  t.teardown(() => client.close());
  const inc = (x: number) => x + 1;
  t.equal(await client.submit(inc, 41), 42, 'the scheduler still computes for a normal client');
  t.same(await client.gather(client.map(inc, [1, 2, 3])), [2, 3, 4]);
});
