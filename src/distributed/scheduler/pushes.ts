/**
 * Values for clients: a client asks for a key's value (gather, result, compute); once the key
 * is in memory the scheduler asks a holder to send it, batched per worker, and forwards it.
 */
import { type Payload, toClient, toWorker, type WireError } from '../protocol/index.js';
import type { Lifecycle } from './lifecycle.js';
import type { TaskTable } from './task-table.js';
import type { ClientState, TaskState, WorkerState } from './tasks.js';

export class Pushes {
  /** Results to fetch from a worker and push to clients. */
  private readonly queue = new Map<WorkerState, Set<TaskState>>();
  private scheduled = false;

  constructor(
    private readonly table: TaskTable,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** Send the values of `keys` to `client` as soon as each is in memory. */
  request(client: ClientState, keys: readonly string[]): void {
    for (const k of keys) {
      const ts = this.table.tasks.get(k);
      if (ts === undefined) {
        client.sink.send(
          toClient.taskErred({
            key: k,
            error: { name: 'KeyError', message: `key '${k}' is not on the cluster (released, cancelled or lost in a restart)`, taskKey: k, kind: 'lost-data' },
          }),
        );
        continue;
      }
      if (ts.state === 'erred') {
        this.lifecycle.tellState(client, ts);
        continue;
      }
      (ts.push ??= new Set()).add(client);
      if (ts.state === 'memory') this.fetch(ts);
    }
  }

  /** Ask a holder of `ts` for its value (at the end of this turn, with the others for that worker). */
  fetch(ts: TaskState): void {
    const w = ts.whoHas.find((h) => h.status !== 'closed');
    if (w === undefined) return;
    let s = this.queue.get(w);
    if (s === undefined) {
      s = new Set();
      this.queue.set(w, s);
    }
    s.add(ts);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const queued = [...this.queue];
    this.queue.clear();
    for (const [w, set] of queued) {
      if (w.status !== 'closed') w.sink.send(toWorker.sendResults([...set].map((t) => t.key)));
      // Removed in this turn: ask the next holder (none left: the result is recomputed and pushed when done).
      else for (const ts of set) this.fetch(ts);
    }
  }

  /** A worker sent values the scheduler asked for (or a finished task's value). */
  deliver(ts: TaskState, value: Payload): void {
    if (ts.push === null || ts.push.size === 0) return;
    for (const c of ts.push) c.sink.send(toClient.value({ key: ts.key, value: c.sink.wire(value) }));
    ts.push.clear();
  }

  /** A worker could not send a value: it no longer has it, or it cannot be serialized. */
  deliverFailed(w: WorkerState, key: string, error: WireError | undefined): void {
    const ts = this.table.tasks.get(key);
    if (ts === undefined) return;
    if (error !== undefined) {
      for (const c of ts.push ?? []) c.sink.send(toClient.taskErred({ key, error, cause: key }));
      ts.push?.clear();
      return;
    }
    // It lost the value (freed or spilled file gone): forget that copy and try another holder.
    const i = ts.whoHas.indexOf(w);
    if (i >= 0) {
      ts.whoHas.splice(i, 1);
      w.hasWhat.delete(ts);
      w.nbytes -= ts.nbytes;
    }
    if (ts.state === 'memory' && ts.whoHas.length > 0) this.fetch(ts);
    else if (ts.state === 'memory') {
      this.table.setState(ts, 'released');
      for (const d of ts.dependents) if (d.state === 'waiting') d.waitingOn++;
      this.lifecycle.ensureComputed(ts);
    }
  }

  clear(): void {
    this.queue.clear();
  }
}
