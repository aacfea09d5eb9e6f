/**
 * The pulse thread's entry (see pulse.ts). It connects to the scheduler as role 'pulse' for the
 * worker's address and, every heartbeat interval, checks the main thread's last heartbeat: if it
 * is late (a task holds the event loop) and this process used CPU since the last check (it is
 * working, not hung), it sends a pulse. It does nothing while the main thread's heartbeats flow.
 */
import { parentPort } from 'node:worker_threads';
import { parseAddress } from '../address.js';
import { connect, type Connection } from '../connection.js';
import { isRecord, pulseHello, toPulse } from '../protocol/index.js';
import { helloBase } from '../server.js';
import type { PulseStart } from './pulse.js';

/**
 * Process CPU time per wall time above which a process whose main thread is silent counts as
 * working. Low, because on an oversubscribed machine a busy process may get only a few percent
 * of a core; a blocked or hung one uses next to none (this thread's own check costs ~0.01%).
 */
const WORKING_CPU_SHARE = 0.01;

function isStart(m: unknown): m is PulseStart {
  return isRecord(m) && m.op === 'start' && typeof m.scheduler === 'string' && typeof m.address === 'string' && m.stamp instanceof SharedArrayBuffer;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function run(s: PulseStart): Promise<void> {
  const stamp = new Float64Array(s.stamp);
  let conn: Connection;
  try {
    conn = await connect(parseAddress(s.scheduler), { ca: s.tlsCa, insecure: s.insecure });
    await conn.request(pulseHello({ role: 'pulse', ...helloBase(s.token), address: s.address }), () => ({}), 30_000);
  } catch {
    process.exit(1); // the main thread logs that its pulse is gone
  }
  conn.serve(
    () => ({}),
    () => undefined,
  );
  conn.on('close', () => process.exit(0));
  parentPort?.postMessage({ ready: true }); // connected: the worker may take tasks
  let lastWall = Date.now();
  let lastCpu = cpuMs();
  let lastSent = 0;
  // Checked four times per heartbeat interval: the first pulse goes out soon after the first
  // missed heartbeat, well within even a short worker TTL; then one per interval.
  const late = 1.25 * s.heartbeatMs;
  setInterval(() => {
    const now = Date.now();
    const cpu = cpuMs();
    const working = cpu - lastCpu >= WORKING_CPU_SHARE * (now - lastWall);
    lastWall = now;
    lastCpu = cpu;
    const silentMs = now - stamp[0];
    if (silentMs > late && working && now - lastSent >= s.heartbeatMs) {
      lastSent = now;
      conn.send(toPulse.pulse(silentMs));
      conn.flush();
    }
  }, s.heartbeatMs / 4);
}

parentPort?.once('message', (m: unknown) => {
  if (isStart(m)) void run(m);
});
