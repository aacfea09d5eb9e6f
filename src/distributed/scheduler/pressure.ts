/**
 * The way out when every worker is paused for memory: paused workers start nothing, so with
 * work pending and nothing running the cluster would wait forever (Dask's paused-forever
 * failure). Once that has lasted `graceMs` (a worker that can free memory by spilling resumes
 * well within it), the scheduler tells one paused worker to run one task anyway, the task that
 * frees the most memory: one that is the last reader of large held inputs (a reduction), else
 * the next in priority order. One such task runs at a time; the next is chosen when it ended,
 * until a worker resumes. Each choice is logged with why. A task that still cannot fit gets
 * its worker killed by its nanny, and after repeated kills fails as KilledWorker explaining
 * the memory limit (workers.ts).
 */
import { fits } from '../resources.js';
import { toClient, toWorker } from '../protocol/index.js';
import { formatBytes } from '../sizeof.js';
import type { EventLog } from './event-log.js';
import type { Placement } from './placement.js';
import type { TaskTable } from './task-table.js';
import type { TaskState, WorkerState } from './tasks.js';

/** After the first few forced runs of an episode, those that free nothing are logged only every this many. */
const NOTE_EVERY = 50;

interface Choice {
  ts: TaskState;
  w: WorkerState;
  /** Bytes of inputs only this task still reads (freed once it ran). */
  frees: number;
  score: number;
}

export class MemoryPressure {
  /** When every worker was first seen paused (0: not now). */
  private since = 0;
  /** Tasks run on paused workers in this episode. */
  private forcedCount = 0;
  private forced: { ts: TaskState; w: WorkerState } | undefined;
  /** Episodes in which every worker was paused while work was pending, since the start. */
  episodes = 0;
  /** Tasks run anyway on paused workers, since the start. */
  forcedTotal = 0;

  constructor(
    private readonly table: TaskTable,
    private readonly placement: Placement,
    private readonly events: EventLog,
    private readonly graceMs: number,
  ) {}

  /** Is an episode under way (so a finished task should trigger the next choice at once)? */
  get active(): boolean {
    return this.forcedCount > 0;
  }

  check(now = Date.now()): void {
    const ws: WorkerState[] = [];
    for (const w of this.table.workers.values()) {
      if (w.status === 'running') {
        this.end();
        return;
      }
      if (w.status === 'paused') ws.push(w);
    }
    if (ws.length === 0) {
      this.end();
      return;
    }
    if (this.since === 0) this.since = now;
    const f = this.forced;
    if (f !== undefined && f.ts.state === 'processing' && f.ts.processingOn === f.w && f.w.status !== 'closed') return; // one at a time
    this.forced = undefined;
    // A running task may free memory (or resume its worker) when it ends: wait for it.
    for (const w of ws) if (w.executing.size > 0) return;
    if (this.forcedCount === 0 && now - this.since < this.graceMs) return;
    const c = this.choose(ws);
    if (c === undefined) return; // nothing pending
    this.force(c, ws);
  }

  private end(): void {
    if (this.since === 0) return;
    if (this.forcedCount > 0) this.events.note(`a worker resumed: ${this.forcedCount} task(s) ran on paused workers while every worker was paused`);
    this.since = 0;
    this.forcedCount = 0;
    this.forced = undefined;
  }

  /** The task whose run frees the most: most input bytes it is the last reader of, minus its expected output. */
  private choose(ws: readonly WorkerState[]): Choice | undefined {
    let best: Choice | undefined;
    const consider = (ts: TaskState, w: WorkerState | undefined): void => {
      if (w === undefined) return;
      let frees = 0;
      for (const d of ts.deps) if (d.activeDependents === 1 && (d.wants === null || d.wants.size === 0)) frees += d.nbytes;
      const score = frees - (ts.group.avgOutput ?? 0);
      if (best === undefined || score > best.score || (score === best.score && ts.priority < best.ts.priority)) best = { ts, w, frees, score };
    };
    for (const w of ws) for (const ts of w.processing) if (!ts.started && !ts.stealing) consider(ts, w);
    const root = this.placement.peekQueued();
    if (root !== undefined) consider(root, this.host(root, ws));
    for (const ts of this.placement.waitingForWorker()) consider(ts, this.host(ts, ws));
    return best;
  }

  /** For a task not on a worker yet: the paused worker holding most of its inputs, else the least full. */
  private host(ts: TaskState, ws: readonly WorkerState[]): WorkerState | undefined {
    let best: WorkerState | undefined;
    let bestHeld = -1;
    let bestFill = Infinity;
    for (const w of ws) {
      if (ts.resources !== null && !fits(w.freeResources, ts.resources)) continue;
      let held = 0;
      for (const d of ts.deps) if (d.whoHas.includes(w)) held += d.nbytes;
      const fill = w.memoryLimit > 0 ? w.metrics.rss / w.memoryLimit : 0;
      if (held > bestHeld || (held === bestHeld && fill < bestFill)) {
        best = w;
        bestHeld = held;
        bestFill = fill;
      }
    }
    return best;
  }

  private force(c: Choice, ws: readonly WorkerState[]): void {
    const { ts, w } = c;
    if (ts.state !== 'processing') {
      this.placement.unassign(ts, false);
      this.placement.sendToWorker(ts, w);
      if (ts.processingOn !== w) return; // it could not be sent (no spec)
    }
    const why =
      c.frees > 0
        ? `it is the last reader of ${formatBytes(c.frees)} of held inputs, freed once it ran`
        : `no task frees held inputs; it is the next in priority order`;
    const reason = `every worker is paused for memory and none is running a task: ${why}`;
    w.sink.send(toWorker.runAnyway(ts.key, reason));
    this.forced = { ts, w };
    this.forcedTotal++;
    if (this.forcedCount++ === 0) {
      this.episodes++;
      let pending = this.placement.queuedCount();
      for (const x of ws) pending += x.processing.size;
      const paused = ws.map((x) => `${x.name}: ${x.pauseReason || 'paused'}`).join('; ');
      const text = `every worker is paused (${paused}) with ${pending} task(s) waiting and none running: running '${ts.key}' on ${w.name} anyway (${why})`;
      this.events.note(text);
      for (const cl of this.table.clients.values()) cl.sink.send(toClient.event(text));
    } else if (c.frees > 0 || this.forcedCount <= 5 || this.forcedCount % NOTE_EVERY === 0) {
      this.events.note(`every worker still paused: running '${ts.key}' on ${w.name} anyway (${why}; ${this.forcedCount} so far)`);
    }
  }
}
