/** Option types shared by compute, persist and visualize. */
import type { Callbacks } from './scheduler.js';
import type { Scheduler } from './scheduler.js';

export type SchedulerName = 'sync' | 'synchronous' | 'threads' | 'processes' | 'distributed';

export interface ComputeOptions {
  /** A scheduler name, or a connected Client (anything implementing Scheduler). */
  scheduler?: SchedulerName | Scheduler;
  numWorkers?: number;
  /** Cull and fuse the graph first (default true). */
  optimize?: boolean;
  /** Extra callbacks for this call only. */
  callbacks?: Callbacks[];
}

export const COMPUTE_OPTION_KEYS: ReadonlySet<string> = new Set(['scheduler', 'numWorkers', 'optimize', 'callbacks']);

export interface VisualizeOptions {
  filename?: string;
  format?: 'svg' | 'png' | 'dot';
  rankdir?: 'TB' | 'LR' | 'BT' | 'RL';
  optimize?: boolean;
}
