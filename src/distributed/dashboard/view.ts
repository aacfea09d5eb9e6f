/** The dashboard's read-only view of the scheduler's state machine. */
import type { SchedulerState } from '../scheduler/state.js';
import { workerMemory } from '../scheduler/worker-info.js';
import type { DashboardState, DashboardView } from './server.js';

export function schedulerView(st: SchedulerState, scheduler: { readonly contactAddress: string; readonly startedAt: number }): DashboardView {
  return {
    state(since: number): DashboardState {
      const workers = [...st.workers.values()].map((w) => {
        const m = workerMemory(w);
        return {
          name: w.name,
          address: w.address,
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
          status: w.status,
          pauseReason: m.pauseReason,
          tasksDone: w.tasksDone,
        };
      });
      const groups = [...st.groups.values()].slice(-40).map((g) => ({
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
      }));
      const stream = st.stream.filter((e) => e.stop > since).slice(-500);
      return {
        scheduler: scheduler.contactAddress,
        uptime: Date.now() - scheduler.startedAt,
        tasksCompleted: st.tasksCompleted,
        workers,
        groups,
        stream,
        log: st.log.slice(-30),
        clients: st.clients.size,
        tasks: st.tasks.size,
      };
    },
  };
}
