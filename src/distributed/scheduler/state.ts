/**
 * The scheduler's state machine: every task's state, who holds which result, and which worker
 * runs what. It does no I/O itself: it sends messages through each worker's and client's sink,
 * so the same code runs behind real sockets and in simulations. Its parts, one job each:
 *
 *   task-table   tables, state bookkeeping, freeing and forgetting
 *   placement    which worker runs a ready task; queues; resources
 *   lifecycle    computing what is wanted, failing, dropping what is not
 *   submissions  graphs and scattered data from clients
 *   results      what workers report about tasks
 *   workers      workers joining and leaving (recovery from lineage)
 *   stealing     idle workers taking queued work
 *   pressure     every worker paused for memory: run one task anyway
 *   retirement   a worker leaving gracefully hands its results on first
 *   pushes       values sent on to clients
 *   event-log    task stream and notes for the dashboard
 */
import { type Payload, toClient, type WireError } from '../protocol/index.js';
import { formatBytes } from '../sizeof.js';
import { resolveAllowedFailures } from './allowed-failures.js';
import { EventLog } from './event-log.js';
import { Lifecycle } from './lifecycle.js';
import { Placement } from './placement.js';
import { MemoryPressure } from './pressure.js';
import { Pushes } from './pushes.js';
import { Results } from './results.js';
import { type RetireOutcome, Retirement } from './retirement.js';
import { Stealing } from './stealing.js';
import { type GraphOptions, Submissions } from './submissions.js';
import { TaskTable } from './task-table.js';
import { ClientState, type ClientSink, type NewTask, type TaskState, type WorkerState } from './tasks.js';
import { workerInfo } from './worker-info.js';
import { Workers } from './workers.js';

export interface SchedulerOptions {
  /**
   * A task charged with more worker deaths than this (deaths while it ran, memory kills while it
   * was on the worker) fails its computation as KilledWorker. Default: config
   * 'distributed.scheduler.allowed-failures', else $TSDASK_ALLOWED_FAILURES, else 3 (Dask's).
   */
  allowedFailures?: number;
  /** Bytes per second assumed for peer transfers when choosing workers. */
  bandwidth?: number;
  /**
   * How long every worker may sit paused for memory, with work pending and nothing running,
   * before the scheduler has one run a task anyway (default 500 ms).
   */
  pausedGraceMs?: number;
}

export class SchedulerState {
  private readonly table = new TaskTable();
  private readonly events = new EventLog();
  private readonly placement: Placement;
  private readonly lifecycle: Lifecycle;
  private readonly pushes: Pushes;
  private readonly submissions: Submissions;
  private readonly results: Results;
  private readonly members: Workers;
  private readonly stealing: Stealing;
  /** Every worker paused for memory: how the scheduler gets out of it (episodes and tasks forced, for tests and the dashboard). */
  readonly pressure: MemoryPressure;
  private readonly retirement: Retirement;
  readonly tasks = this.table.tasks;
  readonly workers = this.table.workers;
  readonly clients = this.table.clients;
  readonly groups = this.table.groups;
  readonly fnTable = this.table.fnTable;
  readonly stream = this.events.stream;
  readonly log = this.events.log;
  readonly deaths = this.events.deaths;
  /** Task durations, peer transfers: read by the dashboard and /metrics. */
  readonly eventLog: Readonly<EventLog> = this.events;

  constructor(opts: SchedulerOptions = {}) {
    this.placement = new Placement(
      this.table,
      opts.bandwidth ?? 100e6,
      (ts) =>
        this.lifecycle.fail(ts, { name: 'LostDataError', message: `data '${ts.key}' has no task to recompute it from`, taskKey: ts.key, kind: 'lost-data' }),
      (ts, bytes, limit) =>
        this.lifecycle.fail(ts, {
          name: 'MemoryError',
          message:
            `task '${ts.key}' needs its ${ts.deps.length} inputs of ${formatBytes(bytes)} in one worker's memory, more than the largest worker memory limit (${formatBytes(limit)}). ` +
            `Make partitions smaller (a smaller \`blocksize\` in readCsv, more \`npartitions\` or repartition), or give workers a larger \`memoryLimit\`.`,
          taskKey: ts.key,
          kind: 'memory',
        }),
    );
    this.lifecycle = new Lifecycle(this.table, this.placement);
    this.pushes = new Pushes(this.table, this.lifecycle);
    this.submissions = new Submissions(this.table, this.placement, this.lifecycle, this.pushes);
    this.results = new Results(this.table, this.placement, this.lifecycle, this.pushes, this.events);
    this.members = new Workers(this.table, this.placement, this.lifecycle, this.events, resolveAllowedFailures(opts.allowedFailures));
    this.stealing = new Stealing(this.table, this.placement);
    this.pressure = new MemoryPressure(this.table, this.placement, this.events, opts.pausedGraceMs ?? 500);
    this.retirement = new Retirement(this.table, this.placement, this.members, this.events);
  }

  get tasksCompleted(): number {
    return this.events.tasksCompleted;
  }

  note(text: string): void {
    this.events.note(text);
  }

  // ---------------------------------------------------------------- clients

  addClient(id: string, sink: ClientSink): ClientState {
    const c = new ClientState(id, sink);
    this.clients.set(id, c);
    return c;
  }

  removeClient(c: ClientState): void {
    this.clients.delete(c.id);
    this.lifecycle.releaseKeys(
      c,
      [...c.wants].map((t) => t.key),
    );
    for (const ts of this.tasks.values()) {
      ts.push?.delete(c);
      ts.events?.delete(c);
    }
  }

  updateGraph(client: ClientState, tasks: readonly NewTask[], wants: readonly string[], opts: GraphOptions = {}): void {
    this.submissions.updateGraph(client, tasks, wants, opts);
  }

  addData(client: ClientState, key: string, nbytes: number, type: string, holders: readonly WorkerState[]): void {
    this.submissions.addData(client, key, nbytes, type, holders);
  }

  tellState(client: ClientState, ts: TaskState): void {
    this.lifecycle.tellState(client, ts);
  }

  ensureComputed(ts: TaskState): void {
    this.lifecycle.ensureComputed(ts);
  }

  releaseKeys(client: ClientState, keys: readonly string[]): void {
    this.lifecycle.releaseKeys(client, keys);
  }

  cancel(client: ClientState, keys: readonly string[]): void {
    this.lifecycle.cancel(client, keys);
  }

  fail(ts: TaskState, error: WireError, cause?: string): void {
    this.lifecycle.fail(ts, error, cause);
  }

  requestPush(client: ClientState, keys: readonly string[]): void {
    this.pushes.request(client, keys);
  }

  deliver(ts: TaskState, value: Payload): void {
    this.pushes.deliver(ts, value);
  }

  deliverFailed(w: WorkerState, key: string, error: WireError | undefined): void {
    this.pushes.deliverFailed(w, key, error);
  }

  // ---------------------------------------------------------------- workers

  addWorker(w: WorkerState): void {
    this.members.add(w);
  }

  removeWorker(w: WorkerState, reason: string): void {
    this.members.remove(w, reason);
  }

  taskStarted(w: WorkerState, keys: readonly string[]): void {
    this.results.taskStarted(w, keys);
  }

  /** `thread`: which of the worker's threads ran it (its lane in the task stream). */
  taskFinished(w: WorkerState, key: string, nbytes: number, type: string, start: number, stop: number, result: Payload | undefined, thread = 0): void {
    this.results.taskFinished(w, key, nbytes, type, start, stop, result, thread);
    this.stealing.runningOut(w);
  }

  taskErred(w: WorkerState, key: string, error: WireError, start: number, stop: number, thread = 0): void {
    this.results.taskErred(w, key, error, start, stop, thread);
  }

  missingData(w: WorkerState, key: string, dep: string, badWorkers: readonly string[]): void {
    this.results.missingData(w, key, dep, badWorkers);
  }

  addReplicas(w: WorkerState, replicas: readonly { key: string; nbytes?: number }[], fetch?: { start: number; stop: number }): void {
    this.results.addReplicas(w, replicas, fetch);
    if (this.retirement.active) this.retirement.progress();
  }

  /**
   * Retire `w` gracefully: it takes no new work, its results move to other workers, then it is
   * told to close and removed. Resolves once it left (after `timeoutMs`, what did not move is
   * recomputed when needed).
   */
  retireWorker(w: WorkerState, reason: string, timeoutMs = 30_000): Promise<RetireOutcome> {
    return this.retirement.retire(w, reason, timeoutMs);
  }

  // ---------------------------------------------------------------- scheduling

  /** Hand queued work to workers with free slots. */
  /** A paused worker resumed: tasks parked while no worker could take them try again, then queued work fills it. */
  workerResumed(): void {
    this.placement.placeWaiting();
    this.fillWorkers();
  }

  fillWorkers(): void {
    this.placement.fillWorkers();
    // While tasks are being run on paused workers, the next is chosen as soon as one ended.
    if (this.pressure.active) this.pressure.check();
  }

  /** Move queued-but-not-started work from the busiest (or a paused) worker to idle ones; resolve every worker being paused. */
  balance(): void {
    this.stealing.balance();
    this.pressure.check();
    if (this.retirement.active) this.retirement.progress();
  }

  stealResponse(victim: WorkerState, removed: readonly string[], kept: readonly string[], thief: string): void {
    this.stealing.stealResponse(victim, removed, kept, thief);
  }

  /** Forget every task (client.restart): futures error as cancelled. */
  resetAll(): void {
    for (const ts of this.tasks.values()) {
      for (const c of ts.wants ?? []) c.sink.send(toClient.cancelled({ key: ts.key, reason: 'the cluster was restarted' }));
    }
    for (const c of this.clients.values()) c.wants.clear();
    for (const w of this.workers.values()) {
      w.processing.clear();
      w.hasWhat.clear();
      w.executing.clear();
      w.nbytes = 0;
      w.rootBytes = 0;
      w.occupancy = 0;
      Object.assign(w.freeResources, w.resources);
    }
    this.tasks.clear();
    this.groups.clear();
    this.placement.clear();
    this.pushes.clear();
  }

  /** A worker paused or resumed: clients hear at once (String(client) shows why). */
  workerStatusChanged(_w: WorkerState): void {
    this.broadcastWorkers();
  }

  /** Tell every client the totals and each worker's memory (on changes, and every few seconds from the server). */
  broadcastWorkers(): void {
    if (this.clients.size === 0) return;
    const msg = toClient.workers({ ...this.summary(), workerList: [...this.workers.values()].map(workerInfo) });
    for (const c of this.clients.values()) c.sink.send(msg);
  }

  /** Totals for String(client) and the dashboard. */
  summary(): { workers: number; threads: number; memory: number } {
    return this.table.summary();
  }
}
