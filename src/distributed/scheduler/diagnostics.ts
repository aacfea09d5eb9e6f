/** The scheduler's diagnostics requests to its workers: a merged profile, and one worker's recent log lines. */
import { mergeProfiles, type ProfileData } from '../../diagnostics/profiler.js';
import type { Connection } from '../connection.js';
import { parseLogsReply, parseProfileReply, toDiagnostics } from '../protocol/index.js';
import type { SchedulerState } from './state.js';
import type { WorkerState } from './tasks.js';

/** Every worker's threads sampled for `durationMs` at once, merged; workers that do not answer are left out. */
export async function profileCluster(st: SchedulerState, conn: (w: WorkerState) => Connection, durationMs: number): Promise<ProfileData> {
  const ms = Math.min(60_000, Math.max(1, Math.floor(durationMs)));
  const answers = await Promise.allSettled([...st.workers.values()].map((w) => conn(w).request(toDiagnostics.profile(ms), parseProfileReply, ms + 30_000)));
  const parts: ProfileData[] = [];
  for (const a of answers) if (a.status === 'fulfilled') parts.push(a.value.result);
  return {
    interval: parts[0]?.interval ?? 1000,
    duration: ms,
    groups: mergeProfiles(parts.map((p) => p.groups)),
    workers: parts.flatMap((p) => p.workers),
  };
}

/** A worker's recent log lines (empty when it does not answer within 2 s). */
export async function workerLogs(w: WorkerState, conn: Connection): Promise<readonly string[]> {
  try {
    return (await conn.request(toDiagnostics.logs(), parseLogsReply, 2000)).result.lines;
  } catch {
    return [];
  }
}
