/**
 * Live updates over a websocket: every open page gets one batched message per tick (500 ms).
 * The timer runs only while some page is open, so a dashboard nobody watches costs nothing;
 * a page that reads slower than we send is skipped until its socket drains.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { GraphShape } from './types.js';
import type { DashboardView } from './view.js';

const TICK_MS = 500;
const MAX_BUFFERED = 1 << 20;

type Subscription = { page: 'status'; seq: number; since: number } | { page: 'graph'; shape: GraphShape | undefined } | { page: 'worker'; address: string };

export class LiveUpdates {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly subs = new Map<WebSocket, Subscription>();
  private timer: NodeJS.Timeout | undefined;

  private ticks = 0;

  constructor(
    private readonly view: DashboardView,
    private readonly workerLogs?: (address: string) => Promise<readonly string[]>,
  ) {}

  get watchers(): number {
    return this.subs.size;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const page = url.searchParams.get('page');
    const sub: Subscription | undefined =
      page === 'status'
        ? { page, seq: 0, since: 0 }
        : page === 'graph'
          ? { page, shape: undefined }
          : page === 'worker'
            ? { page, address: url.searchParams.get('address') ?? '' }
            : undefined;
    if (sub === undefined) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\nws?page= must be status, graph or worker\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.subs.set(ws, sub);
      this.watchStream();
      ws.on('close', () => {
        this.subs.delete(ws);
        this.watchStream();
        if (this.subs.size === 0) this.stop();
      });
      ws.on('error', () => ws.terminate());
      this.send(ws, sub);
      if (this.timer === undefined) {
        this.timer = setInterval(() => this.tick(), TICK_MS);
        this.timer.unref();
      }
    });
  }

  /** The scheduler merges runs into stream bars only while some status page is open. */
  private watchStream(): void {
    let on = false;
    for (const sub of this.subs.values()) if (sub.page === 'status') on = true;
    this.view.watchStream(on);
  }

  private tick(): void {
    this.ticks++;
    for (const [ws, sub] of this.subs) {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED) this.send(ws, sub);
    }
  }

  private send(ws: WebSocket, sub: Subscription): void {
    if (sub.page === 'status') {
      // Only what changed since this page's last message: bars by change number, marks by time.
      const state = this.view.liveStatus(sub.seq, sub.since);
      sub.seq = state.bars.seq;
      for (const e of state.transfers) if (e.time > sub.since) sub.since = e.time;
      for (const e of state.spills) if (e.time > sub.since) sub.since = e.time;
      ws.send(JSON.stringify({ type: 'state', state }));
    } else if (sub.page === 'graph') {
      if (sub.shape === undefined || sub.shape.version !== this.view.graphVersion()) {
        sub.shape = this.view.graphShape();
        ws.send(JSON.stringify({ type: 'shape', shape: sub.shape }));
      }
      ws.send(JSON.stringify({ type: 'states', states: this.view.graphStates(sub.shape) }));
    } else {
      ws.send(JSON.stringify({ type: 'worker', worker: this.view.worker(sub.address) ?? null }));
      // The worker's own log lines come from the worker itself: asked every 5 s, not every tick.
      if (this.workerLogs !== undefined && this.ticks % 10 === 0) {
        void this.workerLogs(sub.address).then((lines) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'logs', lines }));
        });
      }
    }
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    this.view.watchStream(false);
    for (const ws of this.subs.keys()) ws.terminate();
    this.subs.clear();
    this.wss.close();
  }
}
