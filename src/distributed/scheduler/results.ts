/**
 * What workers report about tasks: started, finished (with the result's size and maybe its
 * value), failed, missing an input the named peers did not have, and copies fetched from peers.
 */
import { type Payload, toClient, toWorker, type WireError } from '../protocol/index.js';
import type { EventLog } from './event-log.js';
import type { Lifecycle } from './lifecycle.js';
import type { Placement } from './placement.js';
import type { Pushes } from './pushes.js';
import type { TaskTable } from './task-table.js';
import { queuesAsRoot, type WorkerState } from './tasks.js';

export class Results {
  constructor(
    private readonly table: TaskTable,
    private readonly placement: Placement,
    private readonly lifecycle: Lifecycle,
    private readonly pushes: Pushes,
    private readonly events: EventLog,
  ) {}

  taskStarted(w: WorkerState, keys: readonly string[]): void {
    for (const k of keys) {
      const ts = this.table.tasks.get(k);
      if (ts !== undefined && ts.processingOn === w) {
        ts.started = true;
        w.executing.add(ts);
      }
    }
  }

  taskFinished(w: WorkerState, key: string, nbytes: number, type: string, start: number, stop: number, result: Payload | undefined, thread: number): void {
    const ts = this.table.tasks.get(key);
    if (ts === undefined || w.status === 'closed') {
      w.sink.send(toWorker.freeKeys([key]));
      return;
    }
    if (ts.state === 'memory') {
      if (!ts.whoHas.includes(w)) {
        ts.whoHas.push(w);
        w.hasWhat.add(ts);
        w.nbytes += ts.nbytes;
      }
      if (ts.processingOn === w) this.placement.unassign(ts, false);
      return;
    }
    if (ts.state !== 'processing') {
      w.sink.send(toWorker.freeKeys([key]));
      return;
    }
    // Finished on a worker it was stolen from: keep the result, cancel the other copy.
    if (ts.processingOn !== w) this.placement.unassign(ts, true);
    else this.placement.leaveWorker(ts, w);
    w.tasksDone++;
    const g = ts.group;
    const dur = Math.max(0, (stop - start) / 1000);
    g.durationSum += dur;
    g.durationCount++;
    g.done++;
    g.nbytes += nbytes;
    g.outputBytes += nbytes;
    this.events.tasksCompleted++;
    this.events.ran({ key, worker: w.address, start, stop, status: 'ok', thread, group: ts.group.name });
    ts.nbytes = nbytes;
    ts.type = type;
    ts.whoHas = [w];
    w.hasWhat.add(ts);
    w.nbytes += nbytes;
    ts.suspicious = 0;
    for (const d of ts.dependents) {
      if (d.state === 'waiting' && --d.waitingOn === 0) this.placement.makeReady(d);
    }
    this.table.setState(ts, 'memory');
    if (queuesAsRoot(ts) && ts.activeDependents > 0) {
      // Root-task queuing: until dependents read it, this result counts against its worker's root budget.
      ts.rootHeldOn = w;
      w.rootBytes += nbytes;
    }
    if (ts.wants !== null) for (const c of ts.wants) c.sink.send(toClient.keyInMemory({ key, type, nbytes }));
    if (ts.events !== null) for (const c of ts.events) c.sink.send(toClient.taskDone({ key, worker: w.address, duration: stop - start }));
    if (ts.push !== null && ts.push.size > 0) {
      if (result !== undefined) this.pushes.deliver(ts, result);
      else this.pushes.fetch(ts);
    }
    if ((ts.wants === null || ts.wants.size === 0) && ts.activeDependents === 0) {
      this.table.releaseMemory(ts);
      this.table.maybeForget(ts);
    }
  }

  taskErred(w: WorkerState, key: string, error: WireError, start: number, stop: number, thread: number): void {
    const ts = this.table.tasks.get(key);
    if (ts === undefined || ts.state !== 'processing' || ts.processingOn !== w) return;
    this.placement.unassign(ts, false);
    this.events.ran({ key, worker: w.address, start, stop, status: 'error', thread, group: ts.group.name });
    if (ts.retries > 0) {
      ts.retries--;
      this.table.setState(ts, 'waiting');
      ts.waitingOn = 0;
      this.placement.makeReady(ts);
    } else this.lifecycle.fail(ts, { ...error, taskKey: key });
    this.placement.fillWorkers();
  }

  /** A worker could not get `dep` for `key` from the peers we named. */
  missingData(w: WorkerState, key: string, dep: string, badWorkers: readonly string[]): void {
    const d = this.table.tasks.get(dep);
    const ts = this.table.tasks.get(key);
    if (d !== undefined && d.state === 'memory') {
      for (const addr of badWorkers) {
        const bad = this.table.workers.get(addr);
        const i = bad === undefined ? d.whoHas.findIndex((h) => h.address === addr) : d.whoHas.indexOf(bad);
        if (i >= 0) {
          const holder = d.whoHas[i];
          d.whoHas.splice(i, 1);
          holder.hasWhat.delete(d);
          holder.nbytes -= d.nbytes;
        }
      }
      if (d.whoHas.length === 0) {
        this.table.setState(d, 'released');
        for (const dd of d.dependents) if (dd.state === 'waiting') dd.waitingOn++;
      }
    }
    if (ts === undefined || ts.state !== 'processing' || ts.processingOn !== w) return;
    this.placement.unassign(ts, false);
    this.table.setState(ts, 'waiting');
    let waitingOn = 0;
    for (const x of ts.deps) if (x.state !== 'memory') waitingOn++;
    ts.waitingOn = waitingOn;
    if (d !== undefined && d.state === 'released') this.lifecycle.ensureComputed(d);
    if (waitingOn === 0) this.placement.makeReady(ts);
    this.placement.fillWorkers();
  }

  /** A worker fetched copies of results from peers: track them so they are freed later. */
  addReplicas(w: WorkerState, replicas: readonly { key: string; nbytes?: number }[], fetch: { start: number; stop: number } | undefined): void {
    const stale: string[] = [];
    let moved = 0;
    for (const r of replicas) moved += r.nbytes ?? 0;
    if (replicas.length > 0) this.events.transferred(w.address, moved, replicas.length, fetch);
    for (const { key: k } of replicas) {
      const ts = this.table.tasks.get(k);
      if (ts === undefined || ts.state !== 'memory') {
        stale.push(k);
        continue;
      }
      if (ts.whoHas.includes(w)) continue;
      ts.whoHas.push(w);
      w.hasWhat.add(ts);
      w.nbytes += ts.nbytes;
    }
    if (stale.length > 0) w.sink.send(toWorker.freeKeys(stale, true));
  }
}
