/**
 * A worker's pulse connection (worker/pulse.ts): while one of the worker's tasks holds its event
 * loop, a thread of the same process, which the task does not block, says the process is alive
 * and working. Each pulse counts as a heartbeat of the worker at the hello's address, so the
 * worker TTL only removes a worker whose whole process went silent (stopped, hung, unreachable).
 */
import type { Connection } from '../connection.js';
import { parsePulse, type PulseHello } from '../protocol/index.js';
import type { WorkerState } from './tasks.js';

/** Log a busy worker again after this long, so a log shows how long one task has held it. */
const LOG_EVERY_MS = 60_000;

export function acceptPulse(conn: Connection, h: PulseHello, workers: ReadonlyMap<string, WorkerState>, log: (line: string) => void): void {
  conn.reply(h.rid, {});
  let loggedAt = 0;
  conn.serve(parsePulse, (msg) => {
    const w = workers.get(h.address);
    if (w === undefined || w.status === 'closed') return;
    const now = Date.now();
    w.lastSeen = now;
    if (now - loggedAt >= LOG_EVERY_MS) {
      loggedAt = now;
      log(`worker ${w.name} has been busy in one task for ${Math.round(msg.busyMs / 1000)} s (its heartbeats wait; its process vouches that it is working)`);
    }
  });
}
