/** A Client or LocalCluster as an HTML summary: scheduler, workers, threads, memory, dashboard link. */
import { bytesText, escapeHtml, htmlTable } from './html.js';

/** One worker as the summary lists it. */
export interface WorkerLine {
  name: string;
  address: string;
  nthreads: number;
  memoryLimit: number;
}

/** What a summary shows; Client and LocalCluster each give one (`summary`). */
export interface ClusterSummary {
  kind: 'Client' | 'LocalCluster';
  address: string;
  workers: number;
  threads: number;
  /** Total memory limit in bytes; 0 when unlimited. */
  memory: number;
  dashboard: string | undefined;
  workerList: readonly WorkerLine[];
  closed?: boolean;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

export function isClusterSummary(x: unknown): x is ClusterSummary {
  return isObject(x) && (x.kind === 'Client' || x.kind === 'LocalCluster') && typeof x.address === 'string' && Array.isArray(x.workerList);
}

/** An object that can describe itself as a cluster summary (Client, LocalCluster). */
export function summaryOf(x: unknown): ClusterSummary | undefined {
  if (!isObject(x) || !('summary' in x)) return undefined;
  const s: unknown = x.summary;
  return isClusterSummary(s) ? s : undefined;
}

export function clusterHtml(s: ClusterSummary): string {
  const link = s.dashboard ? `<a href="${escapeHtml(s.dashboard)}" target="_blank">${escapeHtml(s.dashboard)}</a>` : 'none';
  const facts = htmlTable({
    kind: 'cluster-summary',
    header: ['', ''],
    rows: [
      ['Scheduler', escapeHtml(s.address) + (s.closed ? ' (closed)' : '')],
      ['Dashboard', link],
      ['Workers', String(s.workers)],
      ['Threads', String(s.threads)],
      ['Memory', bytesText(s.memory)],
    ],
  });
  const workers =
    s.workerList.length === 0
      ? ''
      : `<details><summary>Workers (${s.workerList.length})</summary>${htmlTable({
          kind: 'cluster-workers',
          header: ['name', 'address', 'threads', 'memory limit'],
          rows: s.workerList.map((w) => [escapeHtml(w.name), escapeHtml(w.address), String(w.nthreads), bytesText(w.memoryLimit)]),
        })}</details>`;
  return `<div class="tsdask-cluster"><h4>${s.kind}</h4>${facts}${workers}</div>`;
}
