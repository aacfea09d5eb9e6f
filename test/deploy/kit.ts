/**
 * Running the deploy kit's scripts as a user does (`node deploy/cluster.mjs ...`), and a local
 * EC2 API: `moto_server` on a free loopback port, started and stopped by the test.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const DEPLOY = join(ROOT, 'deploy');

export interface KitRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came. */
  all: string;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

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
  live.add(child);
  let stdout = '';
  let stderr = '';
  let all = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    all += d.toString();
    for (const l of listeners) l();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    all += d.toString();
    for (const l of listeners) l();
  });
  const done = new Promise<KitRun>((resolve) =>
    child.on('close', (code) => {
      live.delete(child);
      resolve({ code, stdout, stderr, all });
      for (const l of listeners) l();
    }),
  );
  return {
    child,
    output: () => all,
    done,
    waitFor(re, ms = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(all);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`deploy/${script} ended (${child.exitCode ?? child.signalCode}) before printing ${re}:\n${all}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`deploy/${script}: timed out waiting for ${re}:\n${all}`));
        }, ms);
        listeners.add(check);
        check();
      });
    },
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
  live.add(child);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
    live.delete(child);
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
