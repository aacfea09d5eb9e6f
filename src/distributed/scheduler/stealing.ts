/**
 * Work stealing: an idle worker (every 100 ms), or one down to its last task (when a task of
 * it ends), takes queued-but-not-started tasks from the busiest one, when moving their inputs
 * costs less than waiting, and every not-started task from a worker paused for memory
 * (waiting there may never end). The victim says which it gave up.
 */
import { toWorker } from '../protocol/index.js';
import { fits, take } from '../resources.js';
import type { Placement } from './placement.js';
import type { TaskTable } from './task-table.js';
import type { TaskState, WorkerState } from './tasks.js';

export class Stealing {
  constructor(
    private readonly table: TaskTable,
    private readonly placement: Placement,
  ) {}

  /** Move queued-but-not-started work from the busiest worker, or a paused one, to idle ones. */
  balance(): void {
    const running: WorkerState[] = [];
    const paused: WorkerState[] = [];
    for (const w of this.table.workers.values()) {
      if (w.status === 'running') running.push(w);
      else if (w.status === 'paused' && w.processing.size > 0) paused.push(w);
    }
    const idle = running.filter((w) => w.processing.size < w.nthreads);
    if (idle.length === 0) return;
    if (paused.length > 0) this.fromPaused(paused, idle);
    if (this.placement.peekQueued() !== undefined) return;
    for (const thief of idle) this.stealFor(thief, running);
  }

  /**
   * A task of `w` ended and `w` has no task queued behind its running ones: it steals now, so
   * stolen work reaches it before it goes idle. (The periodic balance waited until `w` was
   * idle and then up to 100 ms; and a victim running a synchronous task answers a steal only
   * when that task ends, so a steal asked by an idle thief kept it idle for that long too.)
   */
  runningOut(w: WorkerState): void {
    if (w.status !== 'running' || w.processing.size > w.nthreads || this.placement.peekQueued() !== undefined) return;
    const running: WorkerState[] = [];
    for (const v of this.table.workers.values()) if (v.status === 'running') running.push(v);
    this.stealFor(w, running);
  }

  /**
   * Ask the busiest worker for half of its backlog beyond two tasks per thread (one running,
   * one about to start: moving those gains nothing), those it would run last, unless moving
   * their inputs costs more than waiting.
   */
  private stealFor(thief: WorkerState, running: readonly WorkerState[]): void {
    let victim: WorkerState | undefined;
    for (const w of running) {
      if (w === thief) continue;
      if (victim === undefined || w.processing.size / w.nthreads > victim.processing.size / victim.nthreads) victim = w;
    }
    if (victim === undefined) return;
    const backlog = victim.processing.size - victim.nthreads * 2;
    if (backlog <= 0) return;
    const want = Math.ceil(backlog / 2);
    const cands: TaskState[] = [];
    for (const ts of victim.processing) if (!ts.started && !ts.stealing) cands.push(ts);
    cands.sort((a, b) => b.priority - a.priority); // the victim would run these last
    const keys: string[] = [];
    // Resource-bound tasks move only to a thief with the resources free for all of them.
    let room: Record<string, number> | undefined;
    for (const ts of cands) {
      if (keys.length >= want) break;
      let bytes = 0;
      for (const d of ts.deps) if (!d.whoHas.includes(thief)) bytes += d.nbytes;
      if (bytes / this.placement.bandwidth > 2 * this.table.duration(ts) + 0.001) continue; // moving costs more than waiting
      if (ts.resources !== null) {
        room ??= { ...thief.freeResources };
        if (!fits(room, ts.resources)) continue;
        take(room, ts.resources);
      }
      ts.stealing = true;
      keys.push(ts.key);
    }
    if (keys.length > 0) victim.sink.send(toWorker.steal(keys, thief.address));
  }

  /** Idle workers share the not-started tasks of paused ones. */
  private fromPaused(paused: readonly WorkerState[], idle: readonly WorkerState[]): void {
    for (const victim of paused) {
      const cands: TaskState[] = [];
      for (const ts of victim.processing) if (!ts.started && !ts.stealing && ts.resources === null) cands.push(ts);
      if (cands.length === 0) continue;
      cands.sort((a, b) => a.priority - b.priority);
      const each = Math.ceil(cands.length / idle.length);
      for (let i = 0; i < idle.length; i++) {
        const keys: string[] = [];
        for (const ts of cands.slice(i * each, (i + 1) * each)) {
          ts.stealing = true;
          keys.push(ts.key);
        }
        if (keys.length > 0) victim.sink.send(toWorker.steal(keys, idle[i].address));
      }
    }
  }

  /** The victim answers which of the keys it gave up (not started yet). */
  stealResponse(victim: WorkerState, removed: readonly string[], kept: readonly string[], thiefAddress: string): void {
    const thief = this.table.workers.get(thiefAddress);
    for (const k of kept) {
      const ts = this.table.tasks.get(k);
      if (ts) ts.stealing = false;
    }
    for (const k of removed) {
      const ts = this.table.tasks.get(k);
      if (ts === undefined) continue;
      ts.stealing = false;
      if (ts.state !== 'processing' || ts.processingOn !== victim) continue;
      this.placement.unassign(ts, false);
      if (ts.resources !== null && (thief === undefined || thief.status !== 'running' || !fits(thief.freeResources, ts.resources))) {
        this.placement.placeConstrained(ts, ts.resources); // the thief's resources went to another task meanwhile
        continue;
      }
      const target = thief !== undefined && thief.status === 'running' ? thief : this.placement.decideWorker(ts);
      if (target === undefined) this.placement.park(ts);
      else this.placement.sendToWorker(ts, target);
    }
  }
}
