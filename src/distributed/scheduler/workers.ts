/**
 * Workers joining and leaving. A worker that leaves (or dies) takes its running tasks and the
 * results only it held: the tasks run again elsewhere and the results are recomputed from
 * lineage; a task that was running on too many dying workers fails as KilledWorker. A worker
 * that replaces one its nanny killed for memory says so when it joins, so a task that keeps
 * getting its workers killed fails explaining the memory limit and how to fit under it.
 */

/** Memory kills remembered (by the address of the process killed). */
const KILLS_KEPT = 1000;
/** Dead workers whose tasks wait to learn whether memory killed it (their nanny tells when the replacement joins). */
const DEAD_KEPT = 100;
import { type MemoryKill, toClient } from '../protocol/index.js';
import { formatBytes } from '../sizeof.js';
import type { EventLog } from './event-log.js';
import type { Lifecycle } from './lifecycle.js';
import type { Placement } from './placement.js';
import type { TaskTable } from './task-table.js';
import type { TaskState, WorkerState } from './tasks.js';

export class Workers {
  constructor(
    private readonly table: TaskTable,
    private readonly placement: Placement,
    private readonly lifecycle: Lifecycle,
    private readonly events: EventLog,
    /** A task running on this many workers that died errs as "killed worker" (Dask: 3). */
    private readonly allowedFailures: number,
  ) {}

  /** Worker processes their nannies killed for memory, by address. */
  private readonly memoryKills = new Map<string, MemoryKill>();
  /** The tasks on a worker that died and that its death was not charged to yet (it did not run them), by address. */
  private readonly onDead = new Map<string, TaskState[]>();

  add(w: WorkerState): void {
    this.table.workers.set(w.address, w);
    this.table.workersChanged();
    if (w.replaces !== undefined) {
      const onDead = this.onDead.get(w.replaces);
      this.onDead.delete(w.replaces);
      if (w.killedForMemory !== undefined) {
        this.memoryKills.set(w.replaces, w.killedForMemory);
        if (this.memoryKills.size > KILLS_KEPT) this.memoryKills.delete(this.memoryKills.keys().next().value!);
        if (onDead !== undefined) this.chargeMemoryKill(onDead, w.replaces, w);
      }
    }
    this.events.note(`worker ${w.name} joined (${w.address}, ${w.nthreads} threads)`);
    this.placement.placeWaiting();
    this.placement.fillWorkers();
  }

  /**
   * A worker is gone: rerun what it was running, recompute what only it held. `graceful`: it
   * was retired (retirement.ts), not a death, so no task it ran is suspected of killing it.
   */
  remove(w: WorkerState, reason: string, graceful = false): void {
    if (w.status === 'closed') return;
    w.status = 'closed';
    this.table.workers.delete(w.address);
    this.table.workersChanged();
    if (!graceful) this.events.deaths.set(w.name, reason);
    this.events.note(`worker ${w.name} (${w.address}) removed: ${reason}`);
    const rerun = this.takeBackRunning(w, reason, graceful);
    const lost: TaskState[] = [];
    for (const ts of w.hasWhat) {
      const i = ts.whoHas.indexOf(w);
      if (i >= 0) ts.whoHas.splice(i, 1);
      if (ts.whoHas.length === 0 && ts.state === 'memory') lost.push(ts);
    }
    w.hasWhat.clear();
    w.processing.clear();
    if (!graceful) this.rememberOnDead(w.address, [...rerun.filter((ts) => !ts.diedOn?.includes(w.address)), ...lost]);
    for (const ts of lost) this.lostResult(ts, w, reason, rerun);
    for (const ts of rerun) if (ts.state === 'waiting') this.lifecycle.waitForInputs(ts);
    this.placement.fillWorkers();
  }

  /** The tasks `w` was running wait again, except those now blamed for killing too many workers. */
  private takeBackRunning(w: WorkerState, reason: string, graceful: boolean): TaskState[] {
    const rerun: TaskState[] = [];
    // Which tasks may have killed it: the ones it said it started, else its first few.
    let suspects = [...w.executing];
    if (suspects.length === 0) suspects = [...w.processing].sort((a, b) => a.priority - b.priority).slice(0, w.nthreads);
    const suspectSet = new Set(suspects);
    for (const ts of [...w.processing]) {
      w.processing.delete(ts);
      ts.processingOn = null;
      ts.started = false;
      ts.stealing = false;
      if (!graceful && suspectSet.has(ts)) {
        ts.suspicious++;
        ts.deaths++;
        (ts.diedOn ??= []).push(w.address);
      }
      if (ts.suspicious > this.allowedFailures || ts.deaths > this.allowedFailures) {
        this.lifecycle.fail(ts, { name: 'KilledWorker', message: this.killedMessage(ts, w, reason), taskKey: ts.key, kind: 'killed-worker' });
        continue;
      }
      this.table.setState(ts, 'waiting');
      rerun.push(ts);
    }
    w.executing.clear();
    return rerun;
  }

  private rememberOnDead(address: string, tasks: TaskState[]): void {
    if (tasks.length === 0) return;
    this.onDead.set(address, tasks);
    if (this.onDead.size > DEAD_KEPT) this.onDead.delete(this.onDead.keys().next().value!);
  }

  /**
   * The nanny of the worker at `address` killed it for memory: charge that death to the tasks
   * that were on it but not running, and fail the computations of those charged too often.
   */
  private chargeMemoryKill(tasks: readonly TaskState[], address: string, replacement: WorkerState): void {
    for (const ts of tasks) {
      if (ts.forgotten || ts.state === 'erred' || ts.diedOn?.includes(address)) continue;
      ts.deaths++;
      (ts.diedOn ??= []).push(address);
      if (ts.deaths <= this.allowedFailures) continue;
      const error = {
        name: 'KilledWorker',
        message: this.killedMessage(ts, replacement, 'killed by its nanny for memory'),
        taskKey: ts.key,
        kind: 'killed-worker' as const,
      };
      if (ts.state !== 'memory') {
        this.lifecycle.fail(ts, error);
        continue;
      }
      // Recomputed already: what still needs it is the computation that keeps losing it.
      for (const d of [...ts.dependents]) if (d.state !== 'memory' && d.state !== 'erred' && d.state !== 'released') this.lifecycle.fail(d, error, ts.key);
    }
  }

  /** Why `ts` fails as KilledWorker: memory, with the fix, when nannies said they killed its workers for it. */
  private killedMessage(ts: TaskState, w: WorkerState, reason: string): string {
    const kills: MemoryKill[] = [];
    for (const a of ts.diedOn ?? []) {
      const k = this.memoryKills.get(a);
      if (k !== undefined) kills.push(k);
    }
    const n = Math.max(ts.suspicious, ts.deaths);
    if (kills.length === 0) {
      return `task '${ts.key}' was running on ${n} workers that died (last: ${w.name} at ${w.address}: ${reason}). The task probably crashes its worker or exceeds the memory limit; run it locally (scheduler 'sync') to see why, or give workers more memory.`;
    }
    let inputs = 0;
    for (const d of ts.deps) inputs += d.nbytes;
    const last = kills[kills.length - 1];
    const ran = ts.suspicious > 0 && ts.suspicious >= ts.deaths;
    return (
      `task '${ts.key}' was ${ran ? 'running' : 'running, waiting or holding its result'} on ${n} workers that died, ${kills.length} of them killed by their nanny for memory ` +
      `(one used ${formatBytes(last.rss)} of its ${formatBytes(last.limit)} memory limit). Its inputs total ${formatBytes(inputs)}; ` +
      `a task's inputs, its working memory and its output must fit in one worker's memory limit (${formatBytes(last.limit)}). ` +
      `Make partitions smaller (a smaller \`blocksize\` in readCsv, more \`npartitions\` or repartition), or give workers a larger \`memoryLimit\`.`
    );
  }

  /** `ts`'s only copy was on `w`: recompute it if needed (scattered data cannot be), and make its dependents wait. */
  private lostResult(ts: TaskState, w: WorkerState, reason: string, rerun: TaskState[]): void {
    ts.group.nbytes -= ts.nbytes;
    for (const c of ts.wants ?? []) c.sink.send(toClient.lost(ts.key));
    // Dependents that were ready or running elsewhere now wait for this input again.
    for (const d of ts.dependents) {
      if (d.state === 'waiting') d.waitingOn++;
      else if (d.state === 'processing' || d.state === 'queued' || d.state === 'no-worker') {
        this.placement.unassign(d, true);
        this.table.setState(d, 'waiting');
        d.waitingOn = 1;
        if (!rerun.includes(d)) rerun.push(d);
      }
    }
    this.table.setState(ts, 'released');
    if (ts.spec === null) {
      this.lifecycle.fail(ts, {
        name: 'LostDataError',
        message: `scattered data '${ts.key}' was lost when worker ${w.name} (${w.address}) died (${reason}); scattered data has no lineage to recompute from: scatter it again`,
        taskKey: ts.key,
        kind: 'lost-data',
      });
    } else if ((ts.wants !== null && ts.wants.size > 0) || ts.activeDependents > 0) this.lifecycle.ensureComputed(ts);
    else this.table.maybeForget(ts);
  }
}
