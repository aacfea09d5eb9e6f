/** tsdask: parallel and distributed computing for TypeScript, in the spirit of Dask. */
import { installLibrary } from './library.js';

installLibrary();

export { delayed, Delayed, asDelayed } from './core/delayed.js';
export type { DelayedFunction, DelayedOptions, Lazy, Unlazy } from './core/delayed.js';
export { compute, persist, visualize, get, globalCallbacks } from './core/compute.js';
export type { Computed } from './core/compute.js';
export { config } from './core/config.js';
export type { ConfigValues } from './core/config.js';
export type { ComputeOptions, SchedulerName, VisualizeOptions } from './core/options.js';
export { tokenize } from './core/tokenize.js';
export { GraphError } from './core/order.js';
export { KeyRef, Task, DataNode } from './core/graph.js';
export type { Graph, GraphNode } from './core/graph.js';
export { COLLECTION, isCollection } from './core/collection.js';
export type { Collection, CollectionImpl, GraphLayer } from './core/collection.js';
export { toDot } from './core/visualize.js';
export { getScheduler, registerScheduler, shutdownSchedulers, SyncScheduler } from './schedulers/index.js';
export type { Callbacks, RunOptions, Scheduler, TaskEvent } from './schedulers/index.js';
export { ProgressBar, progress } from './diagnostics/progress.js';
export type { ProgressBarOptions } from './diagnostics/progress.js';
export { display, richOf, toHTML } from './display/index.js';
export type { Rich, ClusterSummary } from './display/index.js';
export { registerType, SerializationError } from './core/serialize.js';
export type { Frames, TypeSpec } from './core/serialize.js';
export { ClosureError, registerModule } from './core/functions.js';
export type { FnSpec } from './core/functions.js';
export { Client, Future, LocalCluster, SSHCluster, asCompleted, wait, KilledWorker, CancelledError, LostDataError, TimeoutError } from './distributed/index.js';
export type { ClientOptions, SubmitOptions, LocalClusterOptions, SSHClusterOptions, ClusterLike, FutureStatus, Gathered } from './distributed/index.js';
