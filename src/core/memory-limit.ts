/**
 * The memory limit of the worker process this code runs in (0: none or not a worker), so a
 * task can refuse at once work that cannot fit (e.g. a CSV block larger than the limit)
 * instead of growing until the nanny kills the worker. Kept in the environment so that the
 * worker's threads see it too.
 */
const VAR = 'TSDASK_WORKER_MEMORY_LIMIT';

export function setWorkerMemoryLimit(bytes: number): void {
  if (bytes > 0) process.env[VAR] = String(bytes);
}

export function workerMemoryLimit(): number {
  const v = Number(process.env[VAR] ?? 0);
  return Number.isFinite(v) && v > 0 ? v : 0;
}
