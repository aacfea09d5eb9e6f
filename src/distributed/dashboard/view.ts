/**
 * The dashboard's read-only view of the scheduler's state machine: snapshots for the pages,
 * the JSON API and /metrics. Only the graph builders walk every task, and only while a graph
 * page or an /api/tasks request asks.
 */
import type { SchedulerState } from '../scheduler/state.js';
import type { StreamBars } from '../scheduler/stream-bars.js';
import type { TaskGroup, TaskState, TaskStatus, WorkerState } from '../scheduler/tasks.js';
import { workerMemory } from '../scheduler/worker-info.js';
import { History } from './history.js';
import {
  BAR_FIELDS,
  type DashboardState,
  type GraphShape,
  type GraphStates,
  type GroupRow,
  type HistorySample,
  type LiveStatus,
  type PackedBars,
  type TaskRow,
  type WorkerPage,
  type WorkerRow,
} from './types.js';

/** Beyond this many tasks the graph page shows task groups. */
export const GRAPH_TASK_LIMIT = 10_000;

export interface DashboardView {
  state(since: number): DashboardState;
  /** The live status page's message: the state, with the stream bars changed after change `seq` and the transfers and spills after `since` (ms). */
  liveStatus(seq: number, since: number): LiveStatus;
  /** Record the stream bars (while a status page is open). */
  watchStream(on: boolean): void;
  workers(): WorkerRow[];
  worker(address: string): WorkerPage | undefined;
  tasks(opts: { state?: string; limit: number; prefix?: string }): { total: number; tasks: TaskRow[] };
  graphShape(): GraphShape;
  graphStates(shape: GraphShape): GraphStates;
  history(): HistorySample[];
  /** Sum of every group's task count (changes when a graph is submitted). */
  graphVersion(): number;
  readonly scheduler: SchedulerState;
  /** Sample CPU and memory (the dashboard's 1 s timer). */
  sample(): void;
}

const STATE_CODE: Readonly<Record<TaskStatus, string>> = {
  released: 'r',
  waiting: 'w',
  queued: 'w',
  'no-worker': 'w',
  processing: 'p',
  memory: 'm',
  erred: 'e',
};

function groupRow(g: TaskGroup): GroupRow {
  return {
    name: g.name,
    total: g.total,
    memory: g.counts.memory,
    erred: g.counts.erred,
    processing: g.counts.processing,
    waiting: g.counts.waiting + g.counts.queued + g.counts['no-worker'],
    released: g.counts.released,
    done: g.done,
    nbytes: g.nbytes,
    avgDuration: g.avgDuration ?? null,
    durationSum: g.durationSum,
  };
}

function taskRow(ts: TaskState): TaskRow {
  return {
    key: ts.key,
    group: ts.group.name,
    state: ts.state,
    worker: ts.processingOn?.address ?? null,
    holders: ts.whoHas.map((w) => w.address),
    nbytes: ts.nbytes,
    type: ts.type,
    deps: ts.deps.length,
    dependents: ts.dependents.length,
    error: ts.error === null ? null : `${ts.error.name}: ${ts.error.message}`,
  };
}

/** A worker as the pages show it; `cpu` in cores from the last sample. */
export function toWorkerRow(w: WorkerState, cpu: number): WorkerRow {
  const m = workerMemory(w);
  return {
    name: w.name,
    address: w.address,
    host: w.host,
    pid: w.pid,
    nthreads: w.nthreads,
    memoryLimit: w.memoryLimit,
    rss: m.rss,
    stored: w.nbytes,
    managed: m.managed,
    unmanaged: m.unmanaged,
    heap: m.heap,
    spilled: m.spilled,
    spilledCount: m.spilledCount,
    processing: w.processing.size,
    executing: w.metrics.executing,
    inMemory: w.hasWhat.size,
    cpu,
    status: w.status,
    pauseReason: m.pauseReason,
    tasksDone: w.tasksDone,
    lastSeen: w.lastSeen,
  };
}

export function schedulerView(st: SchedulerState, scheduler: { readonly contactAddress: string; readonly startedAt: number }): DashboardView {
  const history = new History();
  const workerRow = (w: WorkerState): WorkerRow => toWorkerRow(w, history.cpuNow.get(w.address) ?? 0);
  const version = (): number => {
    let v = 0;
    for (const g of st.groups.values()) v += g.total;
    return v;
  };
  // What the JSON state and the live status page share; they differ only in the task stream.
  const common = (since: number): Omit<DashboardState, 'stream'> => ({
    scheduler: scheduler.contactAddress,
    uptime: Date.now() - scheduler.startedAt,
    now: Date.now(),
    tasksCompleted: st.tasksCompleted,
    workers: [...st.workers.values()].map(workerRow),
    groups: [...st.groups.values()].slice(-40).map(groupRow),
    transfers: tail(st.eventLog.transfers, (e) => e.time > since, 300),
    spills: tail(history.spills, (e) => e.time > since, 300),
    log: st.log.slice(-30),
    clients: st.clients.size,
    tasks: st.tasks.size,
  });
  return {
    scheduler: st,
    sample: () => history.sample(st.workers.values()),
    history: () => history.samples,
    graphVersion: version,
    state(since: number): DashboardState {
      return { ...common(since), stream: tail(st.stream, (e) => e.stop > since, 1000) };
    },
    liveStatus(seq: number, since: number): LiveStatus {
      return { ...common(since), bars: packBars(st.eventLog.bars, seq) };
    },
    watchStream(on: boolean): void {
      st.eventLog.bars.on = on;
    },
    workers: () => [...st.workers.values()].map(workerRow),
    worker(address: string): WorkerPage | undefined {
      const w = st.workers.get(address) ?? [...st.workers.values()].find((x) => x.name === address);
      if (w === undefined) return undefined;
      return {
        worker: workerRow(w),
        recent: tail(st.stream, (e) => e.worker === w.address, 50),
        log: st.log.filter((l) => l.text.includes(w.address) || l.text.includes(w.name)).slice(-50),
        workerLog: [],
        history: history.samples,
      };
    },
    tasks({ state, limit, prefix }) {
      const out: TaskRow[] = [];
      let total = 0;
      for (const ts of st.tasks.values()) {
        if (state !== undefined && ts.state !== state) continue;
        if (prefix !== undefined && !ts.key.startsWith(prefix)) continue;
        total++;
        if (out.length < limit) out.push(taskRow(ts));
      }
      return { total, tasks: out };
    },
    graphShape(): GraphShape {
      const v = version();
      if (st.tasks.size <= GRAPH_TASK_LIMIT) {
        const index = new Map<TaskState, number>();
        const nodes: GraphShape['nodes'] = [];
        for (const ts of st.tasks.values()) {
          index.set(ts, nodes.length);
          nodes.push({ key: ts.key, group: ts.group.name });
        }
        const edges: [number, number][] = [];
        for (const [ts, i] of index) {
          for (const d of ts.deps) {
            const j = index.get(d);
            if (j !== undefined) edges.push([j, i]);
          }
        }
        return { mode: 'tasks', version: v, nodes, edges, tasks: nodes.length };
      }
      // Too many to draw one by one: one node per task group, an edge where a task of one reads a task of another.
      const groups = [...st.groups.values()];
      const gi = new Map(groups.map((g, i) => [g.name, i]));
      const seen = new Set<number>();
      const edges: [number, number][] = [];
      for (const ts of st.tasks.values()) {
        const i = gi.get(ts.group.name) ?? 0;
        for (const d of ts.deps) {
          const j = gi.get(d.group.name) ?? 0;
          if (i === j || seen.has(j * groups.length + i)) continue;
          seen.add(j * groups.length + i);
          edges.push([j, i]);
        }
      }
      return { mode: 'groups', version: v, nodes: groups.map((g) => ({ key: g.name, group: g.name })), edges, tasks: st.tasks.size };
    },
    graphStates(shape: GraphShape): GraphStates {
      if (shape.mode === 'tasks') {
        let s = '';
        for (const n of shape.nodes) {
          const ts = st.tasks.get(n.key);
          s += ts === undefined ? 'f' : STATE_CODE[ts.state];
        }
        return { version: version(), states: s };
      }
      return {
        version: version(),
        groups: shape.nodes.map((n) => {
          const g = st.groups.get(n.group);
          if (g === undefined) return { waiting: 0, processing: 0, memory: 0, erred: 0, released: 0, forgotten: 0 };
          const c = g.counts;
          const live = c.waiting + c.queued + c['no-worker'] + c.processing + c.memory + c.erred + c.released;
          return {
            waiting: c.waiting + c.queued + c['no-worker'],
            processing: c.processing,
            memory: c.memory,
            erred: c.erred,
            released: c.released,
            forgotten: Math.max(0, g.total - live),
          };
        }),
      };
    },
  };
}

/** At most this many closed bars per message (the newest); open bars always. */
const MAX_BARS = 5000;

function packBars(bars: StreamBars, seq: number): PackedBars {
  const list = bars.changedSince(seq, MAX_BARS);
  const t0 = list.length > 0 ? list[0].start : 0;
  const workers: string[] = [];
  const groups: string[] = [];
  const wi = new Map<string, number>();
  const gi = new Map<string, number>();
  const out = new Array<number>(list.length * BAR_FIELDS);
  let o = 0;
  for (const b of list) {
    let w = wi.get(b.worker);
    if (w === undefined) wi.set(b.worker, (w = workers.push(b.worker) - 1));
    let g = gi.get(b.group);
    if (g === undefined) gi.set(b.group, (g = groups.push(b.group) - 1));
    out[o++] = b.id;
    out[o++] = w;
    out[o++] = b.thread;
    out[o++] = g;
    out[o++] = b.start - t0;
    out[o++] = b.stop - t0;
    out[o++] = b.count;
    out[o++] = b.errors;
  }
  return { t0, workers, groups, bars: out, seq: bars.seq };
}

/** The last `max` entries of a time-ordered list that pass `keep`, walking back from its end. */
function tail<T>(list: readonly T[], keep: (e: T) => boolean, max: number): T[] {
  const out: T[] = [];
  for (let i = list.length - 1; i >= 0 && out.length < max; i--) {
    if (keep(list[i])) out.push(list[i]);
  }
  return out.reverse();
}
