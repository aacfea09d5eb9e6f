/**
 * Data a client scatters: spread over the workers (the least loaded first), or copied to every
 * worker with `broadcast`; once the workers hold it, the state machine tracks it as in memory.
 */
import type { Connection } from '../connection.js';
import { parseDone, resolvePayload, type Scatter, type StoredValue, toWorker } from '../protocol/index.js';
import type { SchedulerState } from './state.js';
import type { ClientState, WorkerState } from './tasks.js';

export async function scatter(
  state: SchedulerState,
  connOf: (w: WorkerState) => Connection,
  c: ClientState,
  msg: Scatter,
  frames: Uint8Array[],
): Promise<void> {
  const items = msg.items;
  const workers = [...state.workers.values()].filter((w) => w.status !== 'closed');
  if (workers.length === 0) throw new Error('cannot scatter: no workers are connected to the scheduler yet');
  const targets = new Map<WorkerState, StoredValue[]>();
  const holders = new Map<string, WorkerState[]>();
  if (msg.broadcast) {
    for (const w of workers) targets.set(w, [...items]);
    for (const it of items) holders.set(it.key, workers);
  } else {
    workers.sort((a, b) => a.nbytes - b.nbytes);
    items.forEach((it, i) => {
      const w = workers[i % workers.length];
      let list = targets.get(w);
      if (list === undefined) targets.set(w, (list = []));
      list.push(it);
      holders.set(it.key, [w]);
    });
  }
  await Promise.all(
    [...targets].map(([w, its]) => {
      const wc = connOf(w);
      const wired = its.map((it) => ({ ...it, value: wc.wire(resolvePayload(it.value, frames)) }));
      return wc.request(toWorker.putData(wired), parseDone, 120_000);
    }),
  );
  for (const it of items) {
    const live = (holders.get(it.key) ?? []).filter((w) => w.status !== 'closed');
    state.addData(c, it.key, it.nbytes, it.type, live);
  }
}
