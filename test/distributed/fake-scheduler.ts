/**
 * A scheduler state with fake workers and a fake client for tests of the state machine alone:
 * the sinks record every message the scheduler would have sent.
 */
import type { Payload, PayloadRef, SchedulerToClient, SchedulerToWorker } from '../../src/distributed/protocol/index.js';
import { SchedulerState } from '../../src/distributed/scheduler/state.js';
import { type ClientSink, type NewTask, type WorkerSink, WorkerState } from '../../src/distributed/scheduler/tasks.js';

export type Sent = SchedulerToWorker | SchedulerToClient;

export class FakeSink implements WorkerSink, ClientSink {
  ops: Sent[] = [];
  send(msg: Sent): void {
    this.ops.push(msg);
  }
  wire(p: Payload): PayloadRef {
    return { header: p.header };
  }
  /** The messages of one kind sent so far (removed from the record). */
  take<K extends Sent['op']>(kind: K): Extract<Sent, { op: K }>[] {
    const out = this.ops.filter((o): o is Extract<Sent, { op: K }> => o.op === kind);
    this.ops = this.ops.filter((o) => o.op !== kind);
    return out;
  }
}

export const spec: Payload = { header: 'T', frames: [] };
export const task = (key: string, deps: string[], order: number): NewTask => ({ key, deps, order, spec, fns: null });

export interface FakeOptions {
  nWorkers?: number;
  nthreads?: number;
  /** Each worker's memory limit in bytes. */
  limit?: number;
  allowedFailures?: number;
  pausedGraceMs?: number;
}

export function setup({ nWorkers = 2, nthreads = 1, limit = 1e9, allowedFailures = 1, pausedGraceMs }: FakeOptions = {}) {
  const s = new SchedulerState(pausedGraceMs === undefined ? { allowedFailures } : { allowedFailures, pausedGraceMs });
  const ws: { w: WorkerState; sink: FakeSink }[] = [];
  for (let i = 0; i < nWorkers; i++) {
    const sink = new FakeSink();
    const w = new WorkerState(`tcp://127.0.0.1:${1000 + i}`, `w${i}`, nthreads, limit, i, 'h', sink);
    s.addWorker(w);
    ws.push({ w, sink });
  }
  const csink = new FakeSink();
  const c = s.addClient('c', csink);
  return { s, ws, c, csink };
}
