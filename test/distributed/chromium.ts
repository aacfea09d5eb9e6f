/**
 * Headless Debian Chromium driven over the DevTools protocol (CDP) with the `ws` package the
 * project already uses: open pages, evaluate script, wait for a condition, take screenshots,
 * cut the network. Small on purpose: only what the dashboard tests need.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** The Chromium binary, or undefined (under CI=true a missing browser is an error, not a skip). */
export function findChromium(): string | undefined {
  for (const bin of ['chromium', 'chromium-browser', 'google-chrome']) {
    if (spawnSync('which', [bin]).status === 0) return bin;
  }
  if (process.env.CI === 'true') throw new Error('the dashboard tests need Chromium (apt-get install chromium)');
  return undefined;
}

interface Reply {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export class Browser {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private readonly listeners: ((m: Reply) => void)[] = [];

  private constructor(
    private readonly proc: ChildProcess,
    private readonly ws: WebSocket,
    private readonly profileDir: string,
  ) {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as Reply;
      if (m.id !== undefined) {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error) w?.reject(new Error(m.error.message));
        else w?.resolve(m.result ?? {});
      } else for (const l of this.listeners) l(m);
    });
  }

  static async launch(bin: string): Promise<Browser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'tsdask-chromium-'));
    const proc = spawn(
      bin,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--remote-debugging-port=0', `--user-data-dir=${profileDir}`, 'about:blank'],
      // Its own process group, so close() can stop the helper processes too.
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    const endpoint = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`chromium did not start within 30 s: ${err}`)), 30_000);
      proc.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      proc.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${err}`)));
    });
    const ws = new WebSocket(endpoint, { perMessageDeflate: false });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    return new Browser(proc, ws, profileDir);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  on(l: (m: Reply) => void): void {
    this.listeners.push(l);
  }

  async newPage(width = 1400, height = 1000): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, String(sessionId));
    await page.cmd('Page.enable');
    await page.cmd('Runtime.enable');
    await page.cmd('Network.enable');
    await page.cmd('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  async close(): Promise<void> {
    await this.send('Browser.close').catch(() => undefined);
    this.ws.close();
    if (this.proc.exitCode === null) await new Promise((r) => this.proc.once('exit', r).kill());
    // Helper processes (crashpad, zygote) can outlive the browser and still write to the profile:
    // stop the group, then retry the removal (ENOTEMPTY is retried by rmSync).
    try {
      if (this.proc.pid !== undefined) process.kill(-this.proc.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    rmSync(this.profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}

export class Page {
  /** URLs the page requested (to check that an offline report fetches nothing). */
  readonly requests: string[] = [];
  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {
    browser.on((m) => {
      if (m.sessionId === sessionId && m.method === 'Network.requestWillBeSent') {
        const req = m.params?.request;
        if (typeof req === 'object' && req !== null && 'url' in req) this.requests.push(String(req.url));
      }
    });
  }

  cmd(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      this.browser.on((m) => {
        if (m.sessionId === this.sessionId && m.method === 'Page.loadEventFired') resolve();
      });
    });
    await this.cmd('Page.navigate', { url });
    await loaded;
  }

  /** The value of a script expression (awaited when it is a promise), as JSON. */
  async eval<T = unknown>(expression: string): Promise<T> {
    const r = await this.cmd('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    const ex = r.exceptionDetails as { text?: string; exception?: { description?: string } } | undefined;
    if (ex) throw new Error(`in the page: ${ex.exception?.description ?? ex.text}`);
    return (r.result as { value: T }).value;
  }

  /** Wait until `expression` is truthy (checked every 100 ms) and return its value. */
  async waitFor<T = unknown>(expression: string, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.eval<T>(expression).catch(() => undefined);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (${expression})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async screenshot(path: string): Promise<void> {
    const { data } = await this.cmd('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
    writeFileSync(path, Buffer.from(String(data), 'base64'));
  }

  async offline(): Promise<void> {
    await this.cmd('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  }
}
