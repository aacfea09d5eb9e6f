/**
 * Graceful retirement: a worker chosen to leave (scale down, adaptive shrink, a batch job near
 * its walltime) first stops taking work, gives back the tasks it has not started, lets its
 * running ones finish, and has other workers copy every result only it holds. Once nothing
 * is left only there, the scheduler tells it to close and removes it: nothing is lost and no
 * task is blamed. A result is recomputed only when no copy could move: no other worker to
 * take it, or the copies did not arrive within the timeout.
 */
import { toWorker, type DepLocation } from '../protocol/index.js';
import type { EventLog } from './event-log.js';
import type { Placement } from './placement.js';
import type { TaskTable } from './task-table.js';
import type { TaskState, WorkerState } from './tasks.js';
import type { Workers } from './workers.js';

export interface RetireOutcome {
  address: string;
  name: string;
  /** Results copied to other workers before it left. */
  moved: number;
  /** Results only it held that could not be moved (recomputed from lineage when needed). */
  lost: number;
  /** Tasks it had not started, placed elsewhere. */
  handedBack: number;
}

interface Retiring {
  w: WorkerState;
  reason: string;
  deadline: number;
  /** Results a copy was asked for (asked again only if the copy's target left). */
  asked: Map<TaskState, WorkerState>;
  handedBack: number;
  promise: Promise<RetireOutcome>;
  resolve: (o: RetireOutcome) => void;
}

export class Retirement {
  private readonly retiring = new Map<WorkerState, Retiring>();

  constructor(
    private readonly table: TaskTable,
    private readonly placement: Placement,
    private readonly members: Workers,
    private readonly events: EventLog,
  ) {}

  /** Is a retirement under way (so progress is worth checking)? */
  get active(): boolean {
    return this.retiring.size > 0;
  }

  /** Start retiring `w`; resolves once it has left. A second call for the same worker gets the same promise. */
  retire(w: WorkerState, reason: string, timeoutMs: number): Promise<RetireOutcome> {
    const existing = this.retiring.get(w);
    if (existing !== undefined) return existing.promise;
    let resolve!: (o: RetireOutcome) => void;
    const promise = new Promise<RetireOutcome>((r) => (resolve = r));
    const r: Retiring = { w, reason, deadline: Date.now() + timeoutMs, asked: new Map(), handedBack: 0, promise, resolve };
    if (w.status === 'closed') {
      resolve({ address: w.address, name: w.name, moved: 0, lost: 0, handedBack: 0 });
      return promise;
    }
    this.retiring.set(w, r);
    w.status = 'retiring';
    this.table.workersChanged();
    this.events.note(`worker ${w.name} (${w.address}) retiring: ${reason}`);
    r.handedBack = this.handBack(w);
    this.progress();
    return promise;
  }

  /** Tasks queued on `w` but not started go to other workers (or wait for one). */
  private handBack(w: WorkerState): number {
    let n = 0;
    for (const ts of [...w.processing]) {
      if (ts.started) continue;
      this.placement.unassign(ts, true);
      n++;
      if (ts.resources !== null) {
        this.placement.placeConstrained(ts, ts.resources);
        continue;
      }
      const target = this.placement.decideWorker(ts);
      if (target === undefined) this.placement.park(ts);
      else this.placement.sendToWorker(ts, target);
    }
    return n;
  }

  /** Ask for copies of what retiring workers alone hold; let go of those with nothing left. */
  progress(now = Date.now()): void {
    for (const r of [...this.retiring.values()]) this.step(r, now);
  }

  private step(r: Retiring, now: number): void {
    const w = r.w;
    if (w.status === 'closed') {
      // It died meanwhile: the usual recovery ran.
      this.finish(r, 0);
      return;
    }
    const sole: TaskState[] = [];
    for (const ts of w.hasWhat) if (ts.state === 'memory' && ts.whoHas.length === 1) sole.push(ts);
    if (sole.length === 0 && w.processing.size === 0) {
      this.finish(r, 0);
      return;
    }
    const targets = this.targets();
    if (now > r.deadline || (targets.length === 0 && w.processing.size === 0)) {
      if (sole.length > 0)
        this.events.note(
          targets.length === 0
            ? `worker ${w.name}: no other worker can take its ${sole.length} result(s); they are recomputed if needed`
            : `worker ${w.name}: ${sole.length} result(s) did not reach other workers in time; they are recomputed if needed`,
        );
      this.finish(r, sole.length);
      return;
    }
    const batches = new Map<WorkerState, DepLocation[]>();
    for (const ts of sole) {
      const prev = r.asked.get(ts);
      if (prev !== undefined && prev.status === 'running') continue;
      const target = this.leastFull(targets, ts.nbytes);
      if (target === undefined) break;
      r.asked.set(ts, target);
      let list = batches.get(target);
      if (list === undefined) batches.set(target, (list = []));
      list.push({ key: ts.key, nbytes: ts.nbytes, holders: [w.address] });
    }
    for (const [target, keys] of batches) target.sink.send(toWorker.replicate(keys));
  }

  /** Workers that can take copies: running, not retiring themselves. */
  private targets(): WorkerState[] {
    const out: WorkerState[] = [];
    for (const w of this.table.workers.values()) if (w.status === 'running') out.push(w);
    return out;
  }

  /** The target with the most room for `nbytes` (its bytes grow by them, to spread one batch). */
  private leastFull(ws: readonly WorkerState[], nbytes: number): WorkerState | undefined {
    let best: WorkerState | undefined;
    let bestFill = Infinity;
    for (const w of ws) {
      const fill = w.memoryLimit > 0 ? (w.nbytes + nbytes) / w.memoryLimit : w.nbytes;
      if (fill < bestFill) {
        best = w;
        bestFill = fill;
      }
    }
    return best;
  }

  private finish(r: Retiring, lost: number): void {
    this.retiring.delete(r.w);
    const w = r.w;
    const moved = [...r.asked.keys()].filter((ts) => ts.whoHas.some((h) => h !== w)).length;
    if (w.status !== 'closed') {
      w.sink.send(toWorker.close(`retired: ${r.reason}`));
      this.members.remove(w, `retired gracefully: ${r.reason}`, true);
    }
    this.events.note(`worker ${w.name} retired (${moved} result(s) moved, ${lost} left to recompute, ${r.handedBack} task(s) handed back)`);
    r.resolve({ address: w.address, name: w.name, moved, lost, handedBack: r.handedBack });
  }
}
