/** The built-in local schedulers, and `registerLocalSchedulers()` that puts them in core's registry. */
import { registerScheduler } from '../core/scheduler-registry.js';
import { SyncScheduler } from './sync.js';
import { LocalScheduler } from './local/scheduler.js';

/** Register 'sync', 'threads' and 'processes' (instances are created on first use). */
export function registerLocalSchedulers(): void {
  registerScheduler('sync', () => new SyncScheduler());
  registerScheduler('threads', () => new LocalScheduler('threads', 'thread'));
  registerScheduler('processes', () => new LocalScheduler('processes', 'process'));
}

export { getScheduler, registerScheduler, shutdownSchedulers } from '../core/scheduler-registry.js';
export type { Callbacks, RunOptions, Scheduler, TaskEvent } from '../core/scheduler.js';
export { SyncScheduler } from './sync.js';
export { LocalScheduler } from './local/scheduler.js';
