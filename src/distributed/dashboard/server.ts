/**
 * The dashboard: a read-only HTTP page served by the scheduler. `/status` is the page, which
 * polls `/api/state` (workers, memory, task stream, progress per task group) twice a second.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { SchedulerServer } from '../scheduler.js';
import { statusPage } from './page.js';

export interface Dashboard {
  link: string;
  port: number;
  close(): Promise<void>;
}

export interface DashboardState {
  scheduler: string;
  uptime: number;
  tasksCompleted: number;
  workers: {
    name: string;
    address: string;
    nthreads: number;
    memoryLimit: number;
    rss: number;
    stored: number;
    spilled: number;
    processing: number;
    executing: number;
    inMemory: number;
    status: string;
    tasksDone: number;
  }[];
  groups: { name: string; total: number; memory: number; erred: number; processing: number; waiting: number; released: number; done: number; nbytes: number; avgDuration: number | null }[];
  stream: { key: string; worker: string; start: number; stop: number; status: string }[];
  log: { time: number; text: string }[];
  clients: number;
  tasks: number;
}

export function dashboardState(s: SchedulerServer, since = 0): DashboardState {
  const st = s.state;
  const workers = [...st.workers.values()].map((w) => ({
    name: w.name,
    address: w.address,
    nthreads: w.nthreads,
    memoryLimit: w.memoryLimit,
    rss: w.metrics.rss,
    stored: w.nbytes,
    spilled: w.metrics.spilled,
    processing: w.processing.size,
    executing: w.metrics.executing,
    inMemory: w.hasWhat.size,
    status: w.status,
    tasksDone: w.tasksDone,
  }));
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
    scheduler: s.contactAddress,
    uptime: Date.now() - s.startedAt,
    tasksCompleted: st.tasksCompleted,
    workers,
    groups,
    stream,
    log: st.log.slice(-30),
    clients: st.clients.size,
    tasks: st.tasks.size,
  };
}

export function startDashboard(s: SchedulerServer, host: string, port: number): Promise<Dashboard> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' });
      res.end('the dashboard is read-only\n');
      return;
    }
    if (url.pathname === '/' || url.pathname === '/status/') {
      res.writeHead(302, { location: '/status' });
      res.end();
    } else if (url.pathname === '/status') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(statusPage(JSON.stringify(dashboardState(s))));
    } else if (url.pathname === '/api/state') {
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(dashboardState(s, since)));
    } else if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: the dashboard is at /status\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `dashboard port ${port} is in use (choose another with --dashboard-address :PORT, or :0)` : e.message)),
    );
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      const shown = host === '0.0.0.0' || host === '::' ? hostname() : a.address.includes(':') ? `[${a.address}]` : a.address;
      resolve({
        link: `http://${shown}:${a.port}/status`,
        port: a.port,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
