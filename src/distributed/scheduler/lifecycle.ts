/**
 * A task's way from wanted to done: run what clients want (and what it needs), fail what
 * cannot run along with everything waiting on it, and drop work and results nobody wants.
 */
import { toClient, type WireError } from '../protocol/index.js';
import type { Placement } from './placement.js';
import type { TaskTable } from './task-table.js';
import { ACTIVE, type ClientState, type TaskState } from './tasks.js';

export class Lifecycle {
  constructor(
    private readonly table: TaskTable,
    private readonly placement: Placement,
  ) {}

  /** Tell a client that a key it wants is already done: in memory, or failed. */
  tellState(client: ClientState, ts: TaskState): void {
    if (ts.state === 'memory') client.sink.send(toClient.keyInMemory({ key: ts.key, type: ts.type, nbytes: ts.nbytes }));
    else if (ts.state === 'erred') client.sink.send(toClient.taskErred({ key: ts.key, error: errorOf(ts), cause: ts.erredKey }));
  }

  /** Make `ts` (and whatever it needs) run unless it is running, done or failed. */
  ensureComputed(root: TaskState): void {
    if (root.state !== 'released') return;
    const stack: TaskState[] = [root];
    const expanded = new Set<TaskState>();
    while (stack.length > 0) {
      const ts = stack[stack.length - 1];
      if (ts.state !== 'released') {
        stack.pop();
        continue;
      }
      if (!expanded.has(ts)) {
        expanded.add(ts);
        if (ts.spec === null) {
          stack.pop();
          this.fail(ts, {
            name: 'LostDataError',
            message: `data '${ts.key}' was scattered to a worker that is gone, and scattered data cannot be recomputed: scatter it again`,
            taskKey: ts.key,
            kind: 'lost-data',
          });
          continue;
        }
        for (const d of ts.deps) if (d.state === 'released') stack.push(d);
        continue;
      }
      stack.pop();
      this.waitForInputs(ts);
    }
  }

  /**
   * `ts` is (again) waiting: count the inputs not in memory, starting those that were
   * released; fail it if one failed; make it ready if none is missing.
   */
  waitForInputs(ts: TaskState): void {
    let waitingOn = 0;
    let erred: TaskState | undefined;
    for (const d of ts.deps) {
      if (d.state === 'erred') erred = d;
      else if (d.state !== 'memory') {
        waitingOn++;
        if (d.state === 'released') this.ensureComputed(d);
      }
    }
    if (erred !== undefined) {
      this.fail(ts, errorOf(erred), erred.erredKey);
      return;
    }
    ts.waitingOn = waitingOn;
    this.table.setState(ts, 'waiting');
    if (waitingOn === 0) this.placement.makeReady(ts);
  }

  /** Mark `root` failed with `error` (raised by `cause`), and every task waiting on it. */
  fail(root: TaskState, error: WireError, cause = root.key): void {
    const stack = [root];
    for (let ts = stack.pop(); ts !== undefined; ts = stack.pop()) {
      if (ts.state === 'erred' || ts.state === 'memory') continue;
      this.placement.unassign(ts, true);
      ts.error = error;
      ts.erredKey = cause;
      this.table.setState(ts, 'erred');
      ts.group.done++;
      if (ts.wants !== null) for (const c of ts.wants) c.sink.send(toClient.taskErred({ key: ts.key, error, cause }));
      if (ts.push !== null) ts.push.clear();
      for (const d of ts.dependents) if (ACTIVE[d.state] || d.state === 'released') stack.push(d);
    }
  }

  /** Resubmitting a failed key runs it (and its failed inputs) again. */
  resetErred(root: TaskState): void {
    const stack = [root];
    for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
      if (t.state !== 'erred' || t.spec === null) continue;
      t.error = null;
      t.erredKey = '';
      t.suspicious = 0;
      t.deaths = 0;
      this.table.setState(t, 'released');
      for (const d of t.deps) stack.push(d);
    }
  }

  releaseKeys(client: ClientState, keys: readonly string[]): void {
    for (const k of keys) {
      const ts = this.table.tasks.get(k);
      if (ts === undefined) continue;
      client.wants.delete(ts);
      ts.push?.delete(client);
      if (ts.wants === null) continue;
      ts.wants.delete(client);
      if (ts.wants.size > 0) continue;
      ts.wants = null;
      this.dropIfUnneeded(ts);
    }
    this.placement.fillConstrained(); // dropped tasks may have freed resources
  }

  cancel(client: ClientState, keys: readonly string[]): void {
    for (const k of keys) {
      const ts = this.table.tasks.get(k);
      if (ts === undefined) continue;
      // Cancelling is for everyone (like Dask): other clients' futures report it too.
      for (const c of ts.wants ?? []) {
        c.wants.delete(ts);
        if (c !== client) c.sink.send(toClient.cancelled({ key: k }));
      }
      ts.wants = null;
      this.dropIfUnneeded(ts);
    }
    this.placement.fillConstrained();
  }

  /** Cancel running work and free memory nobody needs anymore, then forget what can be. */
  private dropIfUnneeded(root: TaskState): void {
    const stack = [root];
    for (let ts = stack.pop(); ts !== undefined; ts = stack.pop()) {
      if (ts.forgotten || (ts.wants !== null && ts.wants.size > 0) || ts.activeDependents > 0) continue;
      if (ts.state === 'memory') this.table.releaseMemory(ts);
      else if (ACTIVE[ts.state]) {
        this.placement.unassign(ts, true);
        this.table.setState(ts, 'released'); // inputs lose an active dependent and may be released
        for (const d of ts.deps) stack.push(d);
      }
      this.table.maybeForget(ts);
    }
  }
}

/** The error of a failed task (always set once it erred). */
function errorOf(ts: TaskState): WireError {
  return ts.error ?? { name: 'Error', message: `task '${ts.key}' failed`, taskKey: ts.key };
}
