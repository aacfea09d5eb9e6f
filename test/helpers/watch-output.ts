/**
 * Watching a child process's output from a test: everything it printed so far, and waiting for
 * a line to appear. Children started through here are SIGKILLed when the test process exits.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** SIGKILL `child` if the test process exits while it still runs. */
export function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.on('close', () => live.delete(child));
}

export interface Watched {
  /** stdout and stderr interleaved as they came. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match in the output so far or later; rejects when the process ends first or after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** The 'exit' event: the process ended (its output may still be draining). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The 'close' event: the process ended and its output is all read. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `name` says which process in error messages. The child must have piped stdout and stderr. */
export function watchOutput(child: ChildProcess, name: string): Watched {
  killOnExit(child);
  let stdout = '';
  let stderr = '';
  let all = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    all += d.toString();
    notify();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    all += d.toString();
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      notify();
    }),
  );
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      resolve({ code, signal });
      notify();
    }),
  );
  return {
    output: () => all,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    closed,
    waitFor(re, ms) {
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
            reject(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before printing ${re}; output:\n${all}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${name}: timed out waiting for ${re}; output:\n${all}`));
        }, ms);
        listeners.add(check);
        check();
      });
    },
  };
}
