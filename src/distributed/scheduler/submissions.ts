/**
 * What clients put on the cluster: graphs of tasks (possibly in chunks) with the keys they
 * want, and scattered data. Known keys keep their state, so shared work runs once.
 */
import { toClient } from '../protocol/index.js';
import type { Lifecycle } from './lifecycle.js';
import type { Placement } from './placement.js';
import type { Pushes } from './pushes.js';
import type { TaskTable } from './task-table.js';
import type { ClientState, NewTask, TaskState, WorkerState } from './tasks.js';

export interface GraphOptions {
  /** Keys whose values go to the client as soon as they are computed. */
  push?: readonly string[];
  /** Send the client a task-done message per task. */
  events?: boolean;
  /** More chunks of this graph follow. */
  more?: boolean;
}

export class Submissions {
  constructor(
    private readonly table: TaskTable,
    private readonly placement: Placement,
    private readonly lifecycle: Lifecycle,
    private readonly pushes: Pushes,
  ) {}

  /**
   * A client submits tasks and says which keys it wants. Tasks already known keep their state
   * (shared work runs once); failed ones are tried again.
   */
  updateGraph(client: ClientState, tasks: readonly NewTask[], wants: readonly string[], opts: GraphOptions = {}): void {
    // A big graph arrives in chunks (`more`), dependencies first; all chunks share one priority base.
    const pending = client.pending ?? (client.pending = { base: this.table.nextPriorityBase(), created: [] });
    const base = pending.base;
    const created: TaskState[] = [];
    const depKeys: (readonly string[])[] = [];
    for (const t of tasks) {
      let ts = this.table.tasks.get(t.key);
      if (ts !== undefined) {
        if (ts.state === 'erred' && ts.spec !== null) this.lifecycle.resetErred(ts);
        continue;
      }
      ts = this.table.add(t.key, t.spec, t.fns, base + t.order);
      ts.retries = t.retries ?? 0;
      ts.resources = t.resources ?? null;
      created.push(ts);
      depKeys.push(t.deps);
    }
    const missing: [TaskState, string][] = [];
    for (let i = 0; i < created.length; i++) {
      const ts = created[i];
      const deps: TaskState[] = [];
      for (const k of depKeys[i]) {
        const d = this.table.tasks.get(k);
        if (d === undefined) {
          missing.push([ts, k]);
          continue;
        }
        deps.push(d);
        d.dependents.push(ts);
      }
      ts.deps = deps;
    }
    if (opts.events) for (const ts of created) (ts.events ??= new Set()).add(client);
    for (const [ts, k] of missing) {
      this.lifecycle.fail(ts, {
        name: 'FutureLostError',
        message: `task '${ts.key}' depends on '${k}', which is not on the cluster: the Future holding it was released, cancelled or lost in a restart. Keep a reference to the Future (or resubmit it) while tasks use it.`,
        taskKey: ts.key,
        kind: 'lost-data',
      });
    }
    if (opts.more) {
      for (const ts of created) pending.created.push(ts);
      return;
    }
    client.pending = undefined;
    for (const k of wants) {
      const ts = this.table.tasks.get(k);
      if (ts === undefined) continue;
      (ts.wants ??= new Set()).add(client);
      client.wants.add(ts);
    }
    for (const k of wants) {
      const ts = this.table.tasks.get(k);
      if (ts !== undefined) this.lifecycle.ensureComputed(ts);
    }
    if (opts.push) this.pushes.request(client, opts.push);
    for (const k of wants) {
      const ts = this.table.tasks.get(k);
      if (ts === undefined) {
        client.sink.send(
          toClient.taskErred({ key: k, error: { name: 'KeyError', message: `key '${k}' is not on the cluster`, taskKey: k, kind: 'lost-data' } }),
        );
      } else this.lifecycle.tellState(client, ts);
    }
    // Created tasks nothing wants (sent along but not needed) are dropped at once.
    for (const ts of pending.created) if (ts.state === 'released') this.table.maybeForget(ts);
    for (const ts of created) if (ts.state === 'released') this.table.maybeForget(ts);
    this.placement.fillWorkers();
  }

  /** Scattered data now lives on `holders`. */
  addData(client: ClientState, key: string, nbytes: number, type: string, holders: readonly WorkerState[]): void {
    const ts = this.table.tasks.get(key) ?? this.table.add(key, null, null, this.table.nextPriorityBase());
    (ts.wants ??= new Set()).add(client);
    client.wants.add(ts);
    for (const w of holders) {
      if (ts.whoHas.includes(w)) continue;
      ts.whoHas.push(w);
      w.hasWhat.add(ts);
      w.nbytes += nbytes;
    }
    ts.nbytes = nbytes;
    ts.type = type;
    if (ts.state !== 'memory') {
      this.table.setState(ts, 'memory');
      ts.group.nbytes += nbytes;
      for (const d of ts.dependents) if (d.state === 'waiting' && --d.waitingOn === 0) this.placement.makeReady(d);
    }
    this.placement.fillWorkers();
  }
}
