/**
 * Running the deploy kit's scripts as a user does (`node deploy/cluster.mjs ...`), and a local
 * EC2 API: `moto_server` on a free loopback port, started and stopped by the test.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { killOnExit, watchOutput } from '../helpers/watch-output';

export const ROOT = join(__dirname, '..', '..');
export const DEPLOY = join(ROOT, 'deploy');

export interface KitRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came. */
  all: string;
}

export interface KitProc {
  child: ChildProcess;
  output(): string;
  done: Promise<KitRun>;
  /** Resolves with the first match in the output so far or later; rejects when the process ends first or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

/** Start `node deploy/SCRIPT args...` with extra environment. */
export function startKit(script: string, args: string[], env: Record<string, string | undefined> = {}): KitProc {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, [join(DEPLOY, script), ...args], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const w = watchOutput(child, `deploy/${script}`);
  return {
    child,
    output: w.output,
    done: w.closed.then(({ code }) => ({ code, stdout: w.stdout(), stderr: w.stderr(), all: w.output() })),
    waitFor: (re, ms = 60_000) => w.waitFor(re, ms),
  };
}

/** Run `node deploy/SCRIPT args...` to its end (killed after `ms`). */
export async function runKit(script: string, args: string[], env: Record<string, string | undefined> = {}, ms = 150_000): Promise<KitRun> {
  const p = startKit(script, args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  const r = await p.done;
  clearTimeout(timer);
  return r;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Why moto cannot run here, or undefined. */
export function motoMissing(): string | undefined {
  const r = spawnSync('moto_server', ['--help'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return "moto_server is missing: pip install 'moto[server]' (the EC2 API the test talks to on loopback)";
  return undefined;
}

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

/** moto_server on a free loopback port, answering before this resolves. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  killOnExit(child);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}):\n${err}`);
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
      return { endpoint, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`moto_server did not answer on ${endpoint} within 60 s:\n${err}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
