/** What the dashboard's pages, JSON API and performance reports exchange (documented in docs/DASHBOARD.md). */
import type { ProfileData } from '../../diagnostics/profiler.js';
export type { ProfileData, ProfileNode } from '../../diagnostics/profiler.js';

export interface WorkerRow {
  name: string;
  address: string;
  host: string;
  pid: number;
  nthreads: number;
  memoryLimit: number;
  /** Process memory (resident set size) as the worker last reported it. */
  rss: number;
  /** Bytes of results the scheduler knows this worker holds. */
  stored: number;
  /** Results held in the worker's memory, as it reported (managed memory). */
  managed: number;
  /** rss - managed. */
  unmanaged: number;
  /** V8's heap in use (part of rss). */
  heap: number;
  spilled: number;
  spilledCount: number;
  processing: number;
  executing: number;
  inMemory: number;
  /** CPU use over the last sample, in cores (1 = one core busy). */
  cpu: number;
  status: string;
  /** Why it is paused ('' while running). */
  pauseReason: string;
  tasksDone: number;
  lastSeen: number;
}

export interface GroupRow {
  name: string;
  total: number;
  memory: number;
  erred: number;
  processing: number;
  waiting: number;
  released: number;
  done: number;
  nbytes: number;
  /** Mean run time in seconds (null before the first result). */
  avgDuration: number | null;
  /** Seconds of run time of every finished task of the group. */
  durationSum: number;
}

export interface StreamEntry {
  key: string;
  worker: string;
  start: number;
  stop: number;
  status: string;
  /** The worker's thread that ran it (0: the inline executor). */
  thread?: number;
  group?: string;
}

export interface TransferMark {
  worker: string;
  /** When the copy ended, and when it began (epoch ms). */
  time: number;
  start?: number;
  nbytes: number;
  count: number;
}

export interface SpillMark {
  worker: string;
  time: number;
  /** Results written to disk since the previous sample. */
  count: number;
}

/** One sample per worker per second: CPU (cores) and memory (bytes). */
export interface HistorySample {
  time: number;
  workers: Record<string, { cpu: number; rss: number; managed: number; spilled: number }>;
}

export interface DashboardState {
  scheduler: string;
  uptime: number;
  now: number;
  tasksCompleted: number;
  workers: WorkerRow[];
  groups: GroupRow[];
  stream: StreamEntry[];
  transfers: TransferMark[];
  spills: SpillMark[];
  log: { time: number; text: string }[];
  clients: number;
  tasks: number;
}

/**
 * The status page's task stream as it changed since the page's last message: bars (runs merged
 * per thread, scheduler/stream-bars.ts) as one flat number array, `BAR_FIELDS` numbers a bar:
 * id, worker index, thread, group index, start and stop (ms after `t0`), runs, erred runs.
 */
export interface PackedBars {
  t0: number;
  workers: string[];
  groups: string[];
  bars: number[];
  /** Pass back as `seq` to get what changed after this message. */
  seq: number;
}
export const BAR_FIELDS = 8;

/** What the live status page gets every tick: the state without the run list, and the bars that changed. */
export type LiveStatus = Omit<DashboardState, 'stream'> & { bars: PackedBars };

export interface TaskRow {
  key: string;
  group: string;
  state: string;
  worker: string | null;
  holders: string[];
  nbytes: number;
  type: string;
  deps: number;
  dependents: number;
  error: string | null;
}

/** The graph page's layout input: tasks (or task groups beyond the limit) and their edges as index pairs. */
export interface GraphShape {
  mode: 'tasks' | 'groups';
  /** Sum of every group's task count when made (a new submission changes it: lay out again). */
  version: number;
  nodes: { key: string; group: string }[];
  edges: [number, number][];
  /** Tasks in the graph (more than the nodes in 'groups' mode). */
  tasks: number;
}

/** Per node: its state code (tasks mode) or counts per state (groups mode). */
export interface GraphStates {
  version: number;
  /** One character per node: w waiting, p processing, m memory, e erred, r released, f forgotten. */
  states?: string;
  groups?: { waiting: number; processing: number; memory: number; erred: number; released: number; forgotten: number }[];
}

export interface WorkerPage {
  worker: WorkerRow;
  recent: StreamEntry[];
  log: { time: number; text: string }[];
  /** The worker's own recent log lines (when it answered in time). */
  workerLog: string[];
  history: HistorySample[];
}

/** What a performance report holds (recorded on the scheduler, drawn by pages/report.ts). */
export interface ReportData {
  scheduler: string;
  start: number;
  stop: number;
  workers: WorkerRow[];
  groups: GroupRow[];
  stream: StreamEntry[];
  transfers: TransferMark[];
  spills: SpillMark[];
  history: HistorySample[];
  profile: ProfileData;
  tasksCompleted: number;
}
