/**
 * /metrics in Prometheus' text exposition format (version 0.0.4): tasks by state, workers,
 * memory, bytes transferred between workers and a histogram of task durations.
 */
import { DURATION_BUCKETS } from '../scheduler/event-log.js';
import type { TaskStatus } from '../scheduler/tasks.js';
import type { DashboardView } from './view.js';

const STATES: readonly TaskStatus[] = ['released', 'waiting', 'queued', 'no-worker', 'processing', 'memory', 'erred'];

/** A label value as Prometheus quotes it (backslash, double quote and newline escaped). */
export function labelValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function prometheusText(view: DashboardView): string {
  const st = view.scheduler;
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const byState: Record<string, number> = {};
  for (const s of STATES) byState[s] = 0;
  // Per group counts are kept by the scheduler: no walk over the tasks.
  for (const g of st.groups.values()) for (const s of STATES) byState[s] += g.counts[s];
  metric('tsdask_tasks', 'gauge', 'Tasks the scheduler knows, by state.');
  for (const s of STATES) lines.push(`tsdask_tasks{state="${s}"} ${byState[s]}`);
  metric('tsdask_tasks_completed_total', 'counter', 'Tasks that finished successfully since the scheduler started.');
  lines.push(`tsdask_tasks_completed_total ${st.tasksCompleted}`);
  const workers = [...st.workers.values()];
  metric('tsdask_workers', 'gauge', 'Connected workers, by status.');
  for (const status of ['running', 'paused']) lines.push(`tsdask_workers{status="${status}"} ${workers.filter((w) => w.status === status).length}`);
  metric('tsdask_threads', 'gauge', 'Task threads over all workers.');
  lines.push(`tsdask_threads ${workers.reduce((a, w) => a + w.nthreads, 0)}`);
  metric('tsdask_clients', 'gauge', 'Connected clients.');
  lines.push(`tsdask_clients ${st.clients.size}`);
  const perWorker = (name: string, help: string, value: (w: (typeof workers)[number]) => number): void => {
    metric(name, 'gauge', help);
    for (const w of workers) lines.push(`${name}{worker="${labelValue(w.address)}",name="${labelValue(w.name)}"} ${value(w)}`);
  };
  perWorker('tsdask_worker_memory_bytes', 'Process memory (resident set size) of each worker.', (w) => w.metrics.rss);
  perWorker('tsdask_worker_managed_bytes', 'Bytes of results held in memory by each worker.', (w) => w.metrics.managed);
  perWorker('tsdask_worker_spilled_bytes', 'Bytes of results each worker spilled to disk.', (w) => w.metrics.spilled);
  perWorker('tsdask_worker_memory_limit_bytes', 'Memory limit of each worker (0: none).', (w) => w.memoryLimit);
  perWorker('tsdask_worker_processing_tasks', 'Tasks assigned to each worker and not finished.', (w) => w.processing.size);
  metric('tsdask_transfer_bytes_total', 'counter', 'Bytes of results workers copied from peers.');
  lines.push(`tsdask_transfer_bytes_total ${st.eventLog.bytesTransferred}`);
  const log = st.eventLog;
  metric('tsdask_task_duration_seconds', 'histogram', 'Run time of finished tasks (successful and failed).');
  let cum = 0;
  DURATION_BUCKETS.forEach((le, i) => {
    cum += log.durationCounts[i];
    lines.push(`tsdask_task_duration_seconds_bucket{le="${le}"} ${cum}`);
  });
  cum += log.durationCounts[DURATION_BUCKETS.length];
  lines.push(`tsdask_task_duration_seconds_bucket{le="+Inf"} ${cum}`);
  lines.push(`tsdask_task_duration_seconds_sum ${log.durationSum}`);
  lines.push(`tsdask_task_duration_seconds_count ${cum}`);
  return lines.join('\n') + '\n';
}
