/**
 * The dashboard: read-only pages served by the scheduler (/status, /graph, /profile,
 * /workers, /worker?address=), live over a websocket (/ws), a JSON API under /api/ and
 * Prometheus metrics at /metrics (docs/DASHBOARD.md). It knows the scheduler only through a
 * DashboardView (view.ts) and a profile function, so it cannot change it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { boundAddress, isLoopback } from '../address.js';
import { errorMessage } from '../errors.js';
import { DashboardAuth } from './auth.js';
import { LiveUpdates } from './live.js';
import { prometheusText } from './metrics.js';
import { graphPage } from './pages/graph.js';
import { profilePage } from './pages/profile.js';
import { statusPage } from './pages/status.js';
import { workerPage, workersPage } from './pages/worker.js';
import type { ProfileData, WorkerPage } from './types.js';
import type { DashboardView } from './view.js';

export type { DashboardState } from './types.js';
export type { DashboardView } from './view.js';

export interface Dashboard {
  /** The status page. */
  link: string;
  port: number;
  /** Off loopback: a link that logs one browser in (sets the token cookie), usable once. Else the status page. */
  oneTimeLink(): string;
  close(): Promise<void>;
}

export interface DashboardOptions {
  /** The cluster token; required of browsers and scripts when the dashboard listens beyond loopback. */
  token?: string;
  /** A statistical profile of the workers over `durationMs` (the profile page and /api/profile). */
  profile?: (durationMs: number) => Promise<ProfileData>;
  /** A worker's own recent log lines. */
  workerLogs?: (address: string) => Promise<readonly string[]>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}
const html = (res: ServerResponse, body: string): void => send(res, 200, 'text/html; charset=utf-8', body);
const json = (res: ServerResponse, body: unknown): void => send(res, 200, 'application/json', JSON.stringify(body));

function intParam(url: URL, name: string, dflt: number, max: number): number {
  const v = Number(url.searchParams.get(name) ?? dflt);
  return Number.isFinite(v) && v >= 0 ? Math.min(max, Math.floor(v)) : dflt;
}

export function startDashboard(view: DashboardView, host: string, port: number, opts: DashboardOptions = {}): Promise<Dashboard> {
  const auth = new DashboardAuth(isLoopback(host) ? undefined : opts.token);
  const live = new LiveUpdates(view, opts.workerLogs);
  const sampler = setInterval(() => view.sample(), 1000);
  sampler.unref();
  const withLogs = async (page: WorkerPage | undefined): Promise<WorkerPage | undefined> =>
    page === undefined || opts.workerLogs === undefined ? page : { ...page, workerLog: [...(await opts.workerLogs(page.worker.address))] };
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' });
      res.end('the dashboard is read-only\n');
      return;
    }
    if (url.pathname === '/health') return send(res, 200, 'text/plain', 'ok\n');
    if (url.pathname === '/login') return auth.login(url, res);
    if (!auth.allows(req)) {
      return send(
        res,
        401,
        'text/plain',
        'this dashboard needs the cluster token: open the one-time link the scheduler printed, or send Authorization: Bearer TOKEN\n',
      );
    }
    switch (url.pathname) {
      case '/':
      case '/status/':
        res.writeHead(302, { location: '/status' });
        return void res.end();
      case '/status':
        return html(res, statusPage(view.state(0), view.history()));
      case '/graph':
        return html(res, graphPage());
      case '/profile':
        return html(res, profilePage(opts.profile !== undefined));
      case '/workers':
        return html(res, workersPage(view.workers()));
      case '/worker': {
        const page = await withLogs(view.worker(url.searchParams.get('address') ?? ''));
        if (page === undefined) return send(res, 404, 'text/plain', `no worker ${JSON.stringify(url.searchParams.get('address'))}: see /workers\n`);
        return html(res, workerPage(page));
      }
      case '/api/state':
        return json(res, view.state(Number(url.searchParams.get('since') ?? 0) || 0));
      case '/api/workers':
        return json(res, view.workers());
      case '/api/worker': {
        const page = await withLogs(view.worker(url.searchParams.get('address') ?? ''));
        return page === undefined ? send(res, 404, 'application/json', JSON.stringify({ error: 'no such worker' })) : json(res, page);
      }
      case '/api/tasks':
        return json(
          res,
          view.tasks({
            state: url.searchParams.get('state') ?? undefined,
            prefix: url.searchParams.get('prefix') ?? undefined,
            limit: intParam(url, 'limit', 1000, 100_000),
          }),
        );
      case '/api/login-link':
        // For a token holder (a launcher forwarding the dashboard over ssh): a fresh one-time login path.
        return json(res, { path: auth.required ? auth.oneTimePath() : '/status' });
      case '/api/live':
        return json(res, { watchers: live.watchers });
      case '/api/history':
        return json(res, view.history());
      case '/api/graph':
        return json(res, view.graphShape());
      case '/api/profile':
        if (opts.profile === undefined) return send(res, 404, 'text/plain', 'this scheduler has no profiler\n');
        return json(res, await opts.profile(intParam(url, 'duration', 1000, 60_000)));
      case '/metrics':
        return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', prometheusText(view));
      default:
        return send(res, 404, 'text/plain', 'not found: the dashboard is at /status (pages /graph /profile /workers, JSON under /api/, /metrics)\n');
    }
  };
  const server: Server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `dashboard error: ${errorMessage(e)}\n`);
      else res.end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws' || !auth.allows(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    live.upgrade(req, socket, head, url);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'EADDRINUSE' ? `dashboard port ${port} is in use (choose another with --dashboard-address :PORT, or :0)` : e.message)),
    );
    server.listen(port, host, () => {
      const a = boundAddress(server);
      const shown = host === '0.0.0.0' || host === '::' ? hostname() : a.address.includes(':') ? `[${a.address}]` : a.address;
      const base = `http://${shown}:${a.port}`;
      resolve({
        link: `${base}/status`,
        port: a.port,
        oneTimeLink: () => (auth.required ? base + auth.oneTimePath() : `${base}/status`),
        close: () =>
          new Promise<void>((r) => {
            clearInterval(sampler);
            live.close();
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
