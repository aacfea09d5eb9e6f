/** Registers the built-in local schedulers. */
import { registerScheduler } from './registry.js';
import { SyncScheduler } from './sync.js';

registerScheduler('sync', () => new SyncScheduler());

export { getScheduler, registerScheduler, shutdownSchedulers } from './registry.js';
export type { Callbacks, RunOptions, Scheduler, TaskEvent } from './scheduler.js';
export { SyncScheduler } from './sync.js';
