/** Registers the built-in local schedulers. */
import { registerScheduler } from './registry.js';
import { SyncScheduler } from './sync.js';
import { LocalScheduler } from './local/scheduler.js';

registerScheduler('sync', () => new SyncScheduler());
registerScheduler('threads', () => new LocalScheduler('threads', 'thread'));
registerScheduler('processes', () => new LocalScheduler('processes', 'process'));

export { getScheduler, registerScheduler, shutdownSchedulers } from './registry.js';
export type { Callbacks, RunOptions, Scheduler, TaskEvent } from './scheduler.js';
export { SyncScheduler } from './sync.js';
export { LocalScheduler } from './local/scheduler.js';
