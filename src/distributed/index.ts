/** The distributed runtime: Client, futures, LocalCluster, and the pieces behind the CLI. */
export { Client } from './client/client.js';
export { performanceReport, type PerformanceReportOptions } from './client/performance-report.js';
export type { ProfileData, ProfileNode, ReportData } from './dashboard/types.js';
export type { ClientComputeOptions, ClientOptions, Gathered, Remote, RemoteArgs, SubmitOptions } from './client/options.js';
export { Future, asCompleted, wait, AsCompleted } from './client/future.js';
export type { FutureStatus } from './client/future.js';
export { LocalCluster } from './local-cluster.js';
export type { LocalClusterOptions } from './local-cluster.js';
export { SSHCluster } from './ssh-cluster.js';
export type { SSHClusterOptions, SSHWorkerInfo } from './ssh-cluster.js';
export type { ClusterLike } from './client/session.js';
export { SchedulerServer } from './scheduler/server.js';
export type { SchedulerServerOptions } from './scheduler/server.js';
export { Worker } from './worker/worker.js';
export type { WorkerOptions } from './worker/worker.js';
export { Nanny } from './nanny.js';
export { KilledWorker, CancelledError, LostDataError, TimeoutError } from './errors.js';
