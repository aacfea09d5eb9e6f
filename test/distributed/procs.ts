/**
 * Start real `tsdask scheduler` / `tsdask worker` OS processes (from source, through tsx) on
 * loopback, read their addresses from their output, and make sure they die with the test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { watchOutput } from '../helpers/watch-output';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'src', 'distributed', 'cli.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first output line matching `re` (rejects after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

export interface CliOptions {
  /** Working directory of the process (default: the repository root). */
  cwd?: string;
}

export function startCli(args: string[], env: Record<string, string> = {}, opts: CliOptions = {}): Proc {
  // Services end when our stdin pipe closes, so even a killed test leaves no process behind.
  const extra = args[0] === 'scheduler' || args[0] === 'worker' ? ['--exit-on-stdin-close'] : [];
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args, ...extra], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const w = watchOutput(child, 'process');
  return {
    child,
    output: w.output,
    exited: w.exited,
    waitFor: (re, ms = 30_000) => w.waitFor(re, ms),
    kill(signal = 'SIGTERM') {
      child.kill(signal);
    },
  };
}

/** Stop a process: SIGTERM, then SIGKILL if it lingers. */
export async function stop(p: Proc, ms = 5000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), ms);
  await p.exited;
  clearTimeout(t);
}

export async function startScheduler(extra: string[] = [], env: Record<string, string> = {}): Promise<{ proc: Proc; address: string; dashboard?: string }> {
  const proc = startCli(['scheduler', '--host', '127.0.0.1', '--port', '0', ...extra], env);
  const m = await proc.waitFor(/tsdask scheduler at (\S+)/);
  const d = extra.includes('--no-dashboard') ? undefined : await proc.waitFor(/dashboard at (\S+)/);
  return { proc, address: m[1], dashboard: d?.[1] };
}

export async function startWorkers(address: string, extra: string[] = [], env: Record<string, string> = {}, opts: CliOptions = {}): Promise<Proc> {
  const proc = startCli(['worker', address, '--death-timeout', '10', ...extra], env, opts);
  await proc.waitFor(/connected to (tcp|tls):\/\/\S+: /);
  return proc;
}

/** Pids of the worker processes a `tsdask worker` command runs (its children). */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(d));
    } catch {
      // process went away
    }
  }
  return out;
}
