/** What a worker sends to the scheduler (besides replies). */
import { type Body, integer, listOf, literal, message, messageParser, number, optional, record, string, strings } from './check.js';
import type { WireError } from './errors.js';
import { type KeyError, keyErrors, wireError } from './records.js';
import { type PayloadRef, payloadRef } from './wire.js';

/** These tasks start now (so a task that kills the worker is known). */
export interface TasksStarted {
  op: 'started';
  keys: readonly string[];
}

export interface TaskFinished {
  op: 'finished';
  key: string;
  nbytes: number;
  type: string;
  /** Epoch milliseconds. */
  startedAt: number;
  stoppedAt: number;
  /** The value, when the scheduler asked for it (`sendResult`). */
  value?: PayloadRef;
  /** Which of the worker's threads ran it (0 for the inline executor): the dashboard draws a lane per thread. */
  thread?: number;
}

export interface TaskFailed {
  op: 'erred';
  key: string;
  error: WireError;
  startedAt: number;
  stoppedAt: number;
  /** As for `finished`. */
  thread?: number;
}

/** No holder named in `compute` had input `dep` of task `key`. */
export interface MissingData {
  op: 'missing-data';
  key: string;
  dep: string;
  /** The holders that were asked and did not have it. */
  tried: readonly string[];
}

export interface KeyPayload {
  key: string;
  value: PayloadRef;
}

/** Answer to send-results. */
export interface Results {
  op: 'results';
  values: readonly KeyPayload[];
  /** Keys this worker no longer holds. */
  missing: readonly string[];
  errors: readonly KeyError[];
}

/** Copies this worker fetched from peers (the scheduler frees them later). */
export interface AddReplicas {
  op: 'add-keys';
  replicas: readonly { key: string; nbytes: number }[];
  /** When the copy from the peer started and ended (epoch ms): drawn as a bar in the task stream. */
  fetch?: { start: number; stop: number };
}

export interface StealResponse {
  op: 'steal-response';
  /** Given up: the thief may run them. */
  removed: readonly string[];
  /** Already running or done here. */
  kept: readonly string[];
  thief: string;
}

export interface Heartbeat {
  op: 'heartbeat';
  rss: number;
  stored: number;
  spilled: number;
  spilledCount: number;
  executing: number;
  /** User CPU microseconds of the process. */
  cpu: number;
  /** V8's heap in use, bytes (part of rss; absent from older workers). */
  heap?: number;
}

export interface WorkerStatus {
  op: 'status';
  status: 'paused' | 'running';
  reason?: string;
}

export type WorkerToScheduler = TasksStarted | TaskFinished | TaskFailed | MissingData | Results | AddReplicas | StealResponse | Heartbeat | WorkerStatus;

/** Constructors copy fields one by one: an object spread costs ~0.3 us per message, this is ~free. */
export const fromWorker = {
  started: (keys: readonly string[]): TasksStarted => ({ op: 'started', keys }),
  finished: (m: Body<TaskFinished>): TaskFinished => ({
    op: 'finished',
    key: m.key,
    nbytes: m.nbytes,
    type: m.type,
    startedAt: m.startedAt,
    stoppedAt: m.stoppedAt,
    value: m.value,
    thread: m.thread,
  }),
  erred: (m: Body<TaskFailed>): TaskFailed => ({ op: 'erred', key: m.key, error: m.error, startedAt: m.startedAt, stoppedAt: m.stoppedAt, thread: m.thread }),
  missingData: (m: Body<MissingData>): MissingData => ({ op: 'missing-data', key: m.key, dep: m.dep, tried: m.tried }),
  results: (m: Body<Results>): Results => ({ op: 'results', values: m.values, missing: m.missing, errors: m.errors }),
  addReplicas: (replicas: AddReplicas['replicas'], fetch?: AddReplicas['fetch']): AddReplicas => ({ op: 'add-keys', replicas, fetch }),
  stealResponse: (m: Body<StealResponse>): StealResponse => ({ op: 'steal-response', removed: m.removed, kept: m.kept, thief: m.thief }),
  heartbeat: (m: Body<Heartbeat>): Heartbeat => ({
    op: 'heartbeat',
    rss: m.rss,
    stored: m.stored,
    spilled: m.spilled,
    spilledCount: m.spilledCount,
    executing: m.executing,
    cpu: m.cpu,
    heap: m.heap,
  }),
  status: (status: WorkerStatus['status'], reason?: string): WorkerStatus => ({ op: 'status', status, reason }),
};

export const parseWorkerToScheduler = messageParser<WorkerToScheduler>('a worker', {
  started: message<TasksStarted>({ keys: strings }),
  finished: message<TaskFinished>({
    key: string,
    nbytes: number,
    type: string,
    startedAt: number,
    stoppedAt: number,
    value: optional(payloadRef),
    thread: optional(integer),
  }),
  erred: message<TaskFailed>({ key: string, error: wireError, startedAt: number, stoppedAt: number, thread: optional(integer) }),
  'missing-data': message<MissingData>({ key: string, dep: string, tried: strings }),
  results: message<Results>({
    values: listOf(record<KeyPayload>({ key: string, value: payloadRef }), 'values { key, value }'),
    missing: strings,
    errors: keyErrors,
  }),
  'add-keys': message<AddReplicas>({
    replicas: listOf(record<{ key: string; nbytes: number }>({ key: string, nbytes: number }), 'replicas { key, nbytes }'),
    fetch: optional(record<{ start: number; stop: number }>({ start: number, stop: number }, 'fetch { start, stop }')),
  }),
  'steal-response': message<StealResponse>({ removed: strings, kept: strings, thief: string }),
  heartbeat: message<Heartbeat>({
    rss: number,
    stored: number,
    spilled: number,
    spilledCount: integer,
    executing: integer,
    cpu: number,
    heap: optional(number),
  }),
  status: message<WorkerStatus>({ status: literal('paused', 'running'), reason: optional(string) }),
});
