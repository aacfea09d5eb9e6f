/**
 * The wire protocol: one discriminated union of messages per direction, with constructors and
 * a parser for each, and the framing that carries them (see wire.ts).
 *
 *   client -> scheduler   ClientToScheduler   toScheduler    parseClientToScheduler
 *   scheduler -> client   SchedulerToClient   toClient       parseSchedulerToClient
 *   scheduler -> worker   SchedulerToWorker   toWorker       parseSchedulerToWorker
 *   worker -> scheduler   WorkerToScheduler   fromWorker     parseWorkerToScheduler
 *   worker -> worker      PeerRequest         toPeer         parsePeerRequest
 *   any first message     Hello               *Hello()       helloParser
 *   worker -> nanny (IPC) WorkerToNanny       toNanny        parseWorkerToNanny
 *   pulse -> scheduler    Pulse               toPulse        parsePulse
 *
 * Replies to requests travel in a Reply envelope; each request names its reply's parser.
 */
import type { ClientToScheduler, IdentityRequest, RestartCluster, Scatter, ShutdownCluster, UploadModule } from './client-to-scheduler.js';
import type { LogsRequest, ProfileRequest, ReportRequest } from './diagnostics.js';
import type { Hello } from './hello.js';
import type { Pulse } from './pulse.js';
import type { RetireRequest, TargetRequest } from './scaling.js';
import type { GetData, PeerRequest } from './peer.js';
import type { SchedulerToClient } from './scheduler-to-client.js';
import type { PutData, SchedulerToWorker, UploadFile } from './scheduler-to-worker.js';
import type { TransportMessage } from './transport.js';
import type { WorkerToScheduler } from './worker-to-scheduler.js';

export { type Check, describe, isRecord, type MessageParser, type Parse } from './check.js';
export * from './client-to-scheduler.js';
export * from './diagnostics.js';
export * from './errors.js';
export * from './hello.js';
export * from './nanny.js';
export * from './peer.js';
export * from './pulse.js';
export * from './records.js';
export * from './scaling.js';
export * from './scheduler-to-client.js';
export * from './scheduler-to-worker.js';
export * from './transport.js';
export * from './wire.js';
export * from './worker-to-scheduler.js';

/** Anything a connection may send. */
export type Message = ClientToScheduler | SchedulerToClient | SchedulerToWorker | WorkerToScheduler | PeerRequest | Hello | Pulse | TransportMessage;

/** Messages that expect a reply (the connection adds their `rid`). */
export type Request =
  | Hello
  | Scatter
  | UploadModule
  | RestartCluster
  | IdentityRequest
  | ShutdownCluster
  | PutData
  | UploadFile
  | GetData
  | ProfileRequest
  | LogsRequest
  | ReportRequest
  | TargetRequest
  | RetireRequest;
