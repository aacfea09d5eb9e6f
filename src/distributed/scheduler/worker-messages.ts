/** A worker's messages, handed to the state machine (heartbeats and status update the worker's record). */
import { resolvePayload, type WorkerToScheduler } from '../protocol/index.js';
import type { SchedulerState } from './state.js';
import type { WorkerState } from './tasks.js';

export function onWorkerMessage(s: SchedulerState, w: WorkerState, msg: WorkerToScheduler, frames: Uint8Array[]): void {
  switch (msg.op) {
    case 'started':
      s.taskStarted(w, msg.keys);
      return;
    case 'finished':
      s.taskFinished(
        w,
        msg.key,
        msg.nbytes,
        msg.type,
        msg.startedAt,
        msg.stoppedAt,
        msg.value === undefined ? undefined : resolvePayload(msg.value, frames),
        msg.thread,
      );
      return;
    case 'erred':
      s.taskErred(w, msg.key, msg.error, msg.startedAt, msg.stoppedAt, msg.thread);
      return;
    case 'missing-data':
      s.missingData(w, msg.key, msg.dep, msg.tried);
      return;
    case 'results': {
      for (const { key, value } of msg.values) {
        const ts = s.tasks.get(key);
        if (ts !== undefined) s.deliver(ts, resolvePayload(value, frames));
      }
      for (const k of msg.missing) s.deliverFailed(w, k, undefined);
      for (const { key, error } of msg.errors) s.deliverFailed(w, key, error);
      return;
    }
    case 'add-keys':
      s.addReplicas(w, msg.replicas, msg.fetch);
      return;
    case 'steal-response':
      s.stealResponse(w, msg.removed, msg.kept, msg.thief);
      return;
    case 'heartbeat':
      w.lastSeen = Date.now();
      w.metrics = {
        rss: msg.rss,
        managed: msg.stored,
        heap: msg.heap ?? 0,
        spilled: msg.spilled,
        spilledCount: msg.spilledCount,
        executing: msg.executing,
        cpu: msg.cpu,
      };
      return;
    case 'status': {
      if (w.status === 'closed' || w.status === 'retiring') return; // retiring: it stays out of placement
      const paused = msg.status === 'paused';
      w.status = paused ? 'paused' : 'running';
      w.pauseReason = paused ? (msg.reason ?? 'memory is high') : '';
      s.note(`worker ${w.name} ${paused ? `paused: ${w.pauseReason}` : 'resumed'}`);
      s.workerStatusChanged(w);
      if (!paused) s.workerResumed();
      return;
    }
  }
}
