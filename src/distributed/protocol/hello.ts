/**
 * The first message on every connection: who is calling, in which protocol version, with which
 * token. The version is checked before anything else, because a peer of another version may
 * send a hello of another shape.
 */
import {
  type Body,
  describe,
  fieldError,
  integer,
  isRecord,
  listOf,
  literal,
  nullable,
  number,
  optional,
  type Parse,
  type Problem,
  record,
  recordParser,
  string,
} from './check.js';
import type { Resources } from '../resources.js';
import { ProtocolError } from './errors.js';
import { type MemoryKill, memoryKill, resourceAmounts, type WorkerMemory, workerMemory } from './records.js';
import { PROTOCOL_VERSION } from './wire.js';

interface HelloBase {
  op: 'hello';
  version: number;
  /** The tsdask package version of the caller (for error messages). */
  tsdask: string;
  token?: string;
  rid?: number;
}

export interface ClientHello extends HelloBase {
  role: 'client';
}

export interface WorkerHello extends HelloBase {
  role: 'worker';
  /** Where peers reach this worker's data port. */
  address: string;
  name: string;
  nthreads: number;
  memoryLimit: number;
  pid: number;
  host: string;
  /** Why the worker this one replaces died ('' for a first start). */
  restartReason: string;
  /** Abstract amounts tasks can ask for (`--resources GPU=2`). */
  resources: Resources;
  /** Address of the worker process this one replaces (it died; its nanny started this one). */
  replaces?: string;
  /** That process was killed by its nanny for memory (so tasks it ran are explained). */
  killedForMemory?: MemoryKill;
}

/** A worker connecting to another worker to fetch data. */
export interface PeerHello extends HelloBase {
  role: 'peer';
}

/**
 * A worker's second connection to the scheduler, from a thread of its process that its tasks do
 * not block (worker/pulse.ts): it vouches for the worker at `address` while a task holds the
 * worker's event loop, so a busy worker is not taken for a dead one.
 */
export interface PulseHello extends HelloBase {
  role: 'pulse';
  address: string;
}

export type Hello = ClientHello | WorkerHello | PeerHello | PulseHello;

export function clientHello(m: Body<ClientHello>): ClientHello {
  return { op: 'hello', ...m };
}
export function workerHello(m: Body<WorkerHello>): WorkerHello {
  return { op: 'hello', ...m };
}
export function peerHello(m: Body<PeerHello>): PeerHello {
  return { op: 'hello', ...m };
}
export function pulseHello(m: Body<PulseHello>): PulseHello {
  return { op: 'hello', ...m };
}

const base = { op: literal('hello'), version: integer, tsdask: string, token: optional(string), rid: optional(integer) };
const checks = {
  client: record<ClientHello>({ ...base, role: literal('client') }),
  worker: record<WorkerHello>({
    ...base,
    role: literal('worker'),
    address: string,
    name: string,
    nthreads: integer,
    memoryLimit: number,
    pid: integer,
    host: string,
    restartReason: string,
    resources: resourceAmounts,
    replaces: optional(string),
    killedForMemory: optional(memoryKill),
  }),
  peer: record<PeerHello>({ ...base, role: literal('peer') }),
  pulse: record<PulseHello>({ ...base, role: literal('pulse'), address: string }),
};

const problem: Problem = { path: '', expected: '', got: undefined };

/**
 * The parser of the hello a listener receives: a hello of this protocol version, or why not
 * (`closeCode` 4002 for another version). `self` names the listener in the mismatch message.
 */
export function helloParser(self: { role: string; tsdask: string }): Parse<Hello> {
  return (raw) => {
    if (!isRecord(raw) || raw.op !== 'hello') {
      const op = isRecord(raw) && typeof raw.op === 'string' ? raw.op : undefined;
      return new ProtocolError(`expected a hello first, got ${op === undefined ? describe(raw) : `'${op}'`}`, op, 'op');
    }
    if (raw.version !== PROTOCOL_VERSION) {
      return new ProtocolError(
        `version mismatch: this ${self.role} speaks tsdask protocol ${PROTOCOL_VERSION} (tsdask ${self.tsdask}), the ${String(raw.role)} speaks protocol ${String(raw.version)} (tsdask ${String(raw.tsdask)}). Install the same tsdask version everywhere.`,
        'hello',
        'version',
        4002,
      );
    }
    switch (raw.role) {
      case 'client':
        return checks.client(raw, 0, problem) ? raw : fieldError('the caller', 'hello', problem);
      case 'worker':
        return checks.worker(raw, 0, problem) ? raw : fieldError('the caller', 'hello', problem);
      case 'peer':
        return checks.peer(raw, 0, problem) ? raw : fieldError('the caller', 'hello', problem);
      case 'pulse':
        return checks.pulse(raw, 0, problem) ? raw : fieldError('the caller', 'hello', problem);
      default:
        return new ProtocolError(`hello: unknown role ${describe(raw.role)} (expected 'client', 'worker', 'peer' or 'pulse')`, 'hello', 'role');
    }
  };
}

/** What the scheduler tells clients about itself (the hello reply, `identity`, `restart`). */
export interface SchedulerIdentity {
  address: string;
  dashboard: string | null;
  workers: number;
  threads: number;
  memory: number;
  workerList: readonly WorkerInfo[];
}

export interface WorkerInfo {
  address: string;
  name: string;
  nthreads: number;
  memoryLimit: number;
  resources: Resources;
  /** Its memory as last reported (absent before its first heartbeat, or from older schedulers). */
  memory?: WorkerMemory;
}

export interface ClientWelcome extends SchedulerIdentity {
  /** This client's id on the scheduler. */
  id: string;
}

export interface WorkerWelcome {
  /** The worker's id on the scheduler (its address). */
  id: string;
  /** The scheduler's address. */
  scheduler: string;
}

/** A reply without fields (the request is done). */
export type Done = Record<string, never>;

export const workerInfo = record<WorkerInfo>({
  address: string,
  name: string,
  nthreads: integer,
  memoryLimit: number,
  resources: resourceAmounts,
  memory: optional(workerMemory),
});
const identityFields = {
  address: string,
  dashboard: nullable(string),
  workers: integer,
  threads: integer,
  memory: number,
  workerList: listOf(workerInfo, 'workers'),
};

export const parseSchedulerIdentity = recordParser<SchedulerIdentity>('scheduler identity', identityFields);
export const parseClientWelcome = recordParser<ClientWelcome>('hello reply', { ...identityFields, id: string });
export const parseWorkerWelcome = recordParser<WorkerWelcome>('hello reply', { id: string, scheduler: string });
export const parseDone: Parse<Done> = (raw) => (isRecord(raw) ? {} : new ProtocolError(`expected an empty reply, got ${describe(raw)}`, 'reply', 'result'));
