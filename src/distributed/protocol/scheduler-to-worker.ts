/** What the scheduler sends to a worker (besides replies). */
import { type Body, boolean, integer, listOf, message, messageParser, number, optional, record, string, strings } from './check.js';
import type { Resources } from '../resources.js';
import { type LogsRequest, logsRequest, type ProfileRequest, profileRequest } from './diagnostics.js';
import { type FunctionDef, functionDefs, resourceAmounts, type StoredValue, storedValues } from './records.js';
import { type PayloadRef, payloadRef } from './wire.js';

/** An input of a task: its size and the workers holding it (empty when this worker has it). */
export interface DepLocation {
  key: string;
  nbytes: number;
  holders: readonly string[];
}

export interface Compute {
  op: 'compute';
  key: string;
  spec: PayloadRef;
  /** Lower runs first. */
  priority: number;
  deps: readonly DepLocation[];
  /** Send the value along with `finished` (a client waits for it). Absent: false (flags stay off the wire when unset). */
  sendResult?: boolean;
  /** The task was running on a worker that died: run it alone, announced on its own. Absent: false. */
  isolate?: boolean;
  /** Worker resources it holds while it runs. */
  resources?: Resources;
}

/** Function specs the worker has not seen yet, before the tasks that call them. */
export interface DefineFunctions {
  op: 'functions';
  functions: readonly FunctionDef[];
}

export interface FreeKeys {
  op: 'free-keys';
  keys: readonly string[];
  /** Keep the ones a task queued here still reads. */
  unlessNeeded: boolean;
}

export interface CancelCompute {
  op: 'cancel-compute';
  keys: readonly string[];
}

/** Give up these tasks (if not started) for `thief`; answered by steal-response. */
export interface Steal {
  op: 'steal';
  keys: readonly string[];
  thief: string;
}

/** Send the values of these keys to the scheduler (for clients). */
export interface SendResults {
  op: 'send-results';
  keys: readonly string[];
}

/** Hold these values (scattered by a client). */
export interface PutData {
  op: 'put-data';
  rid?: number;
  items: readonly StoredValue[];
}

/** Save a module file a client uploaded. */
export interface UploadFile {
  op: 'upload';
  rid?: number;
  name: string;
  data: PayloadRef;
}

/**
 * Start task `key` (assigned here) even though this worker is paused: every worker is paused
 * and the scheduler chose this task to make progress (`reason` says why, for the worker's log).
 */
export interface RunAnyway {
  op: 'run-anyway';
  key: string;
  reason: string;
}

/**
 * Fetch copies of these results from the workers named (a worker retiring gracefully hands
 * its results on); each copy is confirmed with add-keys.
 */
export interface Replicate {
  op: 'replicate';
  keys: readonly DepLocation[];
}

export interface RestartWorker {
  op: 'restart';
}

export interface CloseWorker {
  op: 'close';
  reason: string;
}

export type SchedulerToWorker =
  | Compute
  | DefineFunctions
  | FreeKeys
  | CancelCompute
  | Steal
  | SendResults
  | PutData
  | UploadFile
  | RunAnyway
  | Replicate
  | RestartWorker
  | CloseWorker
  | ProfileRequest
  | LogsRequest;

/** Constructors copy fields one by one: an object spread costs ~0.3 us per message, this is ~free. */
export const toWorker = {
  compute: (m: Body<Compute>): Compute => ({
    op: 'compute',
    key: m.key,
    spec: m.spec,
    priority: m.priority,
    deps: m.deps,
    sendResult: m.sendResult,
    isolate: m.isolate,
    resources: m.resources,
  }),
  functions: (functions: readonly FunctionDef[]): DefineFunctions => ({ op: 'functions', functions }),
  freeKeys: (keys: readonly string[], unlessNeeded = false): FreeKeys => ({ op: 'free-keys', keys, unlessNeeded }),
  cancelCompute: (keys: readonly string[]): CancelCompute => ({ op: 'cancel-compute', keys }),
  steal: (keys: readonly string[], thief: string): Steal => ({ op: 'steal', keys, thief }),
  sendResults: (keys: readonly string[]): SendResults => ({ op: 'send-results', keys }),
  putData: (items: readonly StoredValue[]): PutData => ({ op: 'put-data', items }),
  upload: (name: string, data: PayloadRef): UploadFile => ({ op: 'upload', name, data }),
  runAnyway: (key: string, reason: string): RunAnyway => ({ op: 'run-anyway', key, reason }),
  replicate: (keys: readonly DepLocation[]): Replicate => ({ op: 'replicate', keys }),
  restart: (): RestartWorker => ({ op: 'restart' }),
  close: (reason: string): CloseWorker => ({ op: 'close', reason }),
};

const rid = optional(integer);
const depLocations = listOf(record<DepLocation>({ key: string, nbytes: number, holders: strings }), 'inputs { key, nbytes, holders }');

export const parseSchedulerToWorker = messageParser<SchedulerToWorker>('the scheduler', {
  compute: message<Compute>({
    key: string,
    spec: payloadRef,
    priority: number,
    deps: depLocations,
    sendResult: optional(boolean),
    isolate: optional(boolean),
    resources: optional(resourceAmounts),
  }),
  functions: message<DefineFunctions>({ functions: functionDefs }),
  'free-keys': message<FreeKeys>({ keys: strings, unlessNeeded: boolean }),
  'cancel-compute': message<CancelCompute>({ keys: strings }),
  steal: message<Steal>({ keys: strings, thief: string }),
  'send-results': message<SendResults>({ keys: strings }),
  'put-data': message<PutData>({ rid, items: storedValues }),
  upload: message<UploadFile>({ rid, name: string, data: payloadRef }),
  'run-anyway': message<RunAnyway>({ key: string, reason: string }),
  replicate: message<Replicate>({ keys: depLocations }),
  restart: message<RestartWorker>({}),
  close: message<CloseWorker>({ reason: string }),
  profile: profileRequest,
  'get-logs': logsRequest,
});
