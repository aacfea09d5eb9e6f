/**
 * Records one performance report on the scheduler: every task run and transfer from start to
 * stop, worker CPU and memory twice a second, and the workers' profile in back-to-back windows.
 */
import { keyName } from '../../core/graph.js';
import { mergeProfiles, type ProfileData } from '../../diagnostics/profiler.js';
import type { TransferEvent } from '../scheduler/event-log.js';
import type { SchedulerState } from '../scheduler/state.js';
import type { TaskEvent } from '../scheduler/tasks.js';
import { History } from './history.js';
import type { GroupRow, ReportData } from './types.js';
import { toWorkerRow } from './view.js';

const PROFILE_WINDOW_MS = 1000;

export class ReportRecorder {
  private readonly record = { stream: [] as TaskEvent[], transfers: [] as TransferEvent[] };
  private readonly history = new History();
  private readonly timer: NodeJS.Timeout;
  private readonly start = Date.now();
  private readonly completedAtStart: number;
  private readonly profiles: ProfileData[] = [];
  private profiling: Promise<void>;
  private stopped = false;

  constructor(
    private readonly st: SchedulerState,
    private readonly scheduler: string,
    private readonly profile: (ms: number) => Promise<ProfileData>,
  ) {
    st.eventLog.recorders.add(this.record);
    this.completedAtStart = st.tasksCompleted;
    this.history.sample(st.workers.values());
    this.timer = setInterval(() => this.history.sample(st.workers.values()), 500);
    this.timer.unref();
    this.profiling = this.profileLoop();
  }

  private async profileLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        this.profiles.push(await this.profile(PROFILE_WINDOW_MS));
      } catch {
        return; // no workers or a worker left: the report has what was sampled
      }
    }
  }

  async stop(): Promise<ReportData> {
    this.stopped = true;
    clearInterval(this.timer);
    this.history.sample(this.st.workers.values());
    this.st.eventLog.recorders.delete(this.record);
    await this.profiling;
    const stop = Date.now();
    const groups = new Map<string, GroupRow>();
    for (const e of this.record.stream) {
      const name = keyName(e.key);
      let g = groups.get(name);
      if (g === undefined) {
        g = { name, total: 0, memory: 0, erred: 0, processing: 0, waiting: 0, released: 0, done: 0, nbytes: 0, avgDuration: null, durationSum: 0 };
        groups.set(name, g);
      }
      g.total++;
      if (e.status === 'error') g.erred++;
      else {
        g.done++;
        g.released++;
      }
      g.durationSum += (e.stop - e.start) / 1000;
    }
    for (const g of groups.values()) g.avgDuration = g.total > 0 ? g.durationSum / g.total : null;
    return {
      scheduler: this.scheduler,
      start: this.start,
      stop,
      workers: [...this.st.workers.values()].map((w) => toWorkerRow(w, this.history.cpuNow.get(w.address) ?? 0)),
      groups: [...groups.values()],
      stream: this.record.stream,
      transfers: this.record.transfers,
      spills: this.history.spills,
      history: this.history.samples,
      profile: {
        interval: this.profiles[0]?.interval ?? 1000,
        duration: this.profiles.reduce((a, p) => a + p.duration, 0),
        groups: mergeProfiles(this.profiles.map((p) => p.groups)),
        workers: [...new Set(this.profiles.flatMap((p) => p.workers))],
      },
      tasksCompleted: this.st.tasksCompleted - this.completedAtStart,
    };
  }
}
