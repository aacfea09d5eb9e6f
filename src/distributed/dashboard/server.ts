/**
 * The dashboard: a read-only HTTP page served by the scheduler. `/status` is the page, which
 * polls `/api/state` (workers, memory, task stream, progress per task group) twice a second.
 * It knows the scheduler only through a DashboardView (see view.ts), so it cannot change it.
 */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { boundAddress } from '../address.js';
import { statusPage } from './page.js';

/** What the dashboard reads: a snapshot of the cluster, with task-stream entries after `since`. */
export interface DashboardView {
  state(since: number): DashboardState;
}

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
    status: string;
    /** Why it is paused ('' while running). */
    pauseReason: string;
    tasksDone: number;
  }[];
  groups: {
    name: string;
    total: number;
    memory: number;
    erred: number;
    processing: number;
    waiting: number;
    released: number;
    done: number;
    nbytes: number;
    avgDuration: number | null;
  }[];
  stream: { key: string; worker: string; start: number; stop: number; status: string }[];
  log: { time: number; text: string }[];
  clients: number;
  tasks: number;
}

export function startDashboard(view: DashboardView, host: string, port: number): Promise<Dashboard> {
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
      res.end(statusPage(JSON.stringify(view.state(0))));
    } else if (url.pathname === '/api/state') {
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(view.state(since)));
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
      const a = boundAddress(server);
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
