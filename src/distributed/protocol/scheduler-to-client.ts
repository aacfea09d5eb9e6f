/** What the scheduler sends to a client (besides replies). */
import { type Body, integer, listOf, message, messageParser, number, optional, string } from './check.js';
import type { WireError } from './errors.js';
import { type WorkerInfo, workerInfo } from './hello.js';
import { wireError } from './records.js';
import { type PayloadRef, payloadRef } from './wire.js';

export interface KeyInMemory {
  op: 'key-in-memory';
  key: string;
  /** Type name of the value (for repr). */
  type: string;
  nbytes: number;
}

export interface TaskErred {
  op: 'task-erred';
  key: string;
  error: WireError;
  /** Key of the task that raised, when it is not `key` itself (an input failed). */
  cause?: string;
}

export interface KeyCancelled {
  op: 'cancelled';
  key: string;
  reason?: string;
}

/** The only copies of a result were on a worker that died; it is being recomputed. */
export interface KeyLost {
  op: 'lost';
  key: string;
}

export interface KeyValue {
  op: 'value';
  key: string;
  value: PayloadRef;
}

/** One task ran (sent to clients that asked for events). */
export interface TaskDone {
  op: 'task-done';
  key: string;
  worker: string;
  /** Milliseconds, as measured by the worker. */
  duration: number;
}

export interface WorkersChanged {
  op: 'workers';
  workers: number;
  threads: number;
  memory: number;
  /** Each worker with its memory (sent on joins, pauses and every few seconds while it changes). */
  workerList?: readonly WorkerInfo[];
}

/** Something about the cluster the user should know (e.g. why a worker restarted). */
export interface ClusterEvent {
  op: 'event';
  text: string;
}

export interface SchedulerClosing {
  op: 'scheduler-closing';
}

export type SchedulerToClient = KeyInMemory | TaskErred | KeyCancelled | KeyLost | KeyValue | TaskDone | WorkersChanged | ClusterEvent | SchedulerClosing;

/** Constructors copy fields one by one: an object spread costs ~0.3 us per message, this is ~free. */
export const toClient = {
  keyInMemory: (m: Body<KeyInMemory>): KeyInMemory => ({ op: 'key-in-memory', key: m.key, type: m.type, nbytes: m.nbytes }),
  taskErred: (m: Body<TaskErred>): TaskErred => ({ op: 'task-erred', key: m.key, error: m.error, cause: m.cause }),
  cancelled: (m: Body<KeyCancelled>): KeyCancelled => ({ op: 'cancelled', key: m.key, reason: m.reason }),
  lost: (key: string): KeyLost => ({ op: 'lost', key }),
  value: (m: Body<KeyValue>): KeyValue => ({ op: 'value', key: m.key, value: m.value }),
  taskDone: (m: Body<TaskDone>): TaskDone => ({ op: 'task-done', key: m.key, worker: m.worker, duration: m.duration }),
  workers: (m: Body<WorkersChanged>): WorkersChanged => ({ op: 'workers', workers: m.workers, threads: m.threads, memory: m.memory, workerList: m.workerList }),
  event: (text: string): ClusterEvent => ({ op: 'event', text }),
  closing: (): SchedulerClosing => ({ op: 'scheduler-closing' }),
};

export const parseSchedulerToClient = messageParser<SchedulerToClient>('the scheduler', {
  'key-in-memory': message<KeyInMemory>({ key: string, type: string, nbytes: number }),
  'task-erred': message<TaskErred>({ key: string, error: wireError, cause: optional(string) }),
  cancelled: message<KeyCancelled>({ key: string, reason: optional(string) }),
  lost: message<KeyLost>({ key: string }),
  value: message<KeyValue>({ key: string, value: payloadRef }),
  'task-done': message<TaskDone>({ key: string, worker: string, duration: number }),
  workers: message<WorkersChanged>({ workers: integer, threads: integer, memory: number, workerList: optional(listOf(workerInfo, 'workers')) }),
  event: message<ClusterEvent>({ text: string }),
  'scheduler-closing': message<SchedulerClosing>({}),
});
