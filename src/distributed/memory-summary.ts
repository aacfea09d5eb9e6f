/** One line per worker about its memory, for String(client): managed, unmanaged, spilled, and why it is paused. */
import type { WorkerInfo } from './protocol/index.js';
import { formatBytes } from './sizeof.js';

export function workerMemoryLines(workers: readonly WorkerInfo[]): string[] {
  const lines: string[] = [];
  for (const w of workers) {
    const m = w.memory;
    if (m === undefined) continue;
    const of = w.memoryLimit > 0 ? ` of ${formatBytes(w.memoryLimit)}` : ' (no limit)';
    const status = m.status === 'paused' ? `paused (${m.pauseReason || 'memory is high'})` : 'running';
    lines.push(
      `  ${w.name}: ${status}, process memory ${formatBytes(m.rss)}${of}: managed ${formatBytes(m.managed)}, unmanaged ${formatBytes(m.unmanaged)} ` +
        `(V8 heap ${formatBytes(m.heap)}), spilled ${formatBytes(m.spilled)} in ${m.spilledCount} files`,
    );
  }
  return lines;
}
