/**
 * What the scheduler knows about each task, worker and client, and where it sends their
 * messages. Task states: released -> waiting -> queued | no-worker | processing -> memory |
 * erred, and forgotten (dropped from the table) once no client and no dependent needs the task.
 */
import type { MemoryKill, Payload, PayloadRef, SchedulerToClient, SchedulerToWorker, WireError } from '../protocol/index.js';
import type { Resources } from '../resources.js';

/** Where the state machine sends a worker's messages (a connection, or a test's recorder). */
export interface WorkerSink {
  send(msg: SchedulerToWorker): void;
  wire(p: Payload): PayloadRef;
  /** Is `msg` the last message queued, not sent yet (so it may still take more keys)? Absent: never. */
  isLastQueued?(msg: object): boolean;
}

/** Where the state machine sends a client's messages. */
export interface ClientSink {
  send(msg: SchedulerToClient): void;
  wire(p: Payload): PayloadRef;
}

export type TaskStatus = 'released' | 'waiting' | 'queued' | 'no-worker' | 'processing' | 'memory' | 'erred';

/** A task is "active" while it still has to run; active tasks keep their inputs in memory. */
export const ACTIVE: Readonly<Record<TaskStatus, boolean>> = {
  released: false,
  waiting: true,
  queued: true,
  'no-worker': true,
  processing: true,
  memory: false,
  erred: false,
};

export class TaskGroup {
  readonly counts: Record<TaskStatus, number> = { released: 0, waiting: 0, queued: 0, 'no-worker': 0, processing: 0, memory: 0, erred: 0 };
  total = 0;
  done = 0;
  durationSum = 0;
  durationCount = 0;
  /** Bytes of this group's results held now. */
  nbytes = 0;
  /** Bytes of every result this group produced (over `durationCount` results). */
  outputBytes = 0;
  constructor(readonly name: string) {}
  /** Mean run time in seconds, or undefined before the first result. */
  get avgDuration(): number | undefined {
    return this.durationCount === 0 ? undefined : this.durationSum / this.durationCount;
  }
  /** Mean result size in bytes, or undefined before the first result. */
  get avgOutput(): number | undefined {
    return this.durationCount === 0 ? undefined : this.outputBytes / this.durationCount;
  }
}

export class TaskState {
  state: TaskStatus = 'released';
  deps: TaskState[] = [];
  dependents: TaskState[] = [];
  /** While waiting: how many deps are not in memory yet. */
  waitingOn = 0;
  /** How many dependents are active (they will read this result). */
  activeDependents = 0;
  whoHas: WorkerState[] = [];
  processingOn: WorkerState | null = null;
  nbytes = 0;
  type = '';
  wants: Set<ClientState> | null = null;
  /** Clients waiting for the value itself (gather / result / compute). */
  push: Set<ClientState> | null = null;
  /** Clients that asked for per-task events (progress callbacks). */
  events: Set<ClientState> | null = null;
  /** How many times a worker died while this task was (maybe) running on it. */
  suspicious = 0;
  /** Addresses of those workers (their nannies may tell later that memory killed them). */
  diedOn: string[] | null = null;
  /**
   * Worker deaths charged to this task and never reset by a success: deaths while it ran, and
   * memory kills while it waited there or its result was lost with the worker (allowed-failures.ts).
   */
  deaths = 0;
  /** A root's result held on this worker that dependents still have to read (counted in its `rootBytes`). */
  rootHeldOn: WorkerState | null = null;
  /** The worker said it started running this task. */
  started = false;
  retries = 0;
  error: WireError | null = null;
  /** Key of the task whose failure made this one fail (itself when it raised). */
  erredKey = '';
  stealing = false;
  forgotten = false;
  /** Amounts of worker resources this task holds while processing (null: none). */
  resources: Resources | null = null;
  constructor(
    readonly key: string,
    /** Serialized task (opaque here); null for data that was scattered, which has no lineage. */
    public spec: Payload | null,
    public fns: readonly string[] | null,
    public priority: number,
    readonly group: TaskGroup,
  ) {}
}

export class WorkerState {
  processing = new Set<TaskState>();
  hasWhat = new Set<TaskState>();
  nbytes = 0;
  /** Bytes of root results held here that dependents still have to read (root-task queuing). */
  rootBytes = 0;
  /** Estimated seconds of queued work. */
  occupancy = 0;
  /** 'retiring': leaving gracefully (retirement.ts): takes no new work, hands its results on. */
  status: 'running' | 'paused' | 'retiring' | 'closed' = 'running';
  lastSeen = Date.now();
  fnsKnown = new Set<string>();
  /** From the last heartbeat: process memory (rss), results held (managed), V8 heap, spilled results. */
  metrics: { rss: number; managed: number; heap: number; spilled: number; spilledCount: number; executing: number; cpu: number } = {
    rss: 0,
    managed: 0,
    heap: 0,
    spilled: 0,
    spilledCount: 0,
    executing: 0,
    cpu: 0,
  };
  /** Why the worker paused ('' while running). */
  pauseReason = '';
  /** The worker process this one replaced, and whether its nanny killed that one for memory. */
  replaces: string | undefined;
  killedForMemory: MemoryKill | undefined;
  /** Keys announced as started and not finished yet. */
  executing = new Set<TaskState>();
  tasksDone = 0;
  /** The last free-keys message queued for this worker and its key list (grown while it is still last). */
  freeing: { msg: object; keys: string[] } | undefined;
  /** What `resources` is not held by tasks processing here. */
  readonly freeResources: Record<string, number>;
  constructor(
    readonly address: string,
    readonly name: string,
    readonly nthreads: number,
    readonly memoryLimit: number,
    readonly pid: number,
    readonly host: string,
    readonly sink: WorkerSink,
    /** What the worker declared (`--resources GPU=2`). */
    readonly resources: Resources = {},
  ) {
    this.freeResources = { ...resources };
  }
}

export class ClientState {
  wants = new Set<TaskState>();
  /** A graph arriving in chunks: its priority base and the tasks created so far. */
  pending: { base: number; created: TaskState[] } | undefined;
  constructor(
    readonly id: string,
    readonly sink: ClientSink,
  ) {}
}

export interface NewTask {
  key: string;
  deps: readonly string[];
  /** Position in the client's depth-first order (lower runs first). */
  order: number;
  spec: Payload | null;
  fns: readonly string[] | null;
  retries?: number;
  /** Worker resources the task needs while it runs (`{ GPU: 1 }`). */
  resources?: Resources | null;
}

export interface TaskEvent {
  key: string;
  worker: string;
  start: number;
  stop: number;
  status: 'ok' | 'error';
  /** The worker's thread that ran it (0: inline, or a worker too old to say). */
  thread: number;
  /** Its task group. */
  group: string;
}

/** The type name a worker reports for a disk-shuffle split's result (a file reference). */
const SHUFFLE_OUTPUT = 'ShuffleOutput';

/**
 * Is `ts` queued like a root task: no inputs, or only disk-shuffle file references? Like a
 * root, a shuffle output task reads its data (from the split files) rather than consuming held
 * results, so handed out all at once they would pile their outputs up in worker memory.
 */
export function queuesAsRoot(ts: TaskState): boolean {
  for (const d of ts.deps) if (d.type !== SHUFFLE_OUTPUT) return false;
  return true;
}
