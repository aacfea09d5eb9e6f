/**
 * `--scheduler-file F`: the scheduler writes its address (and token) to F, and workers started
 * at the same time (in one batch allocation, say) wait for F instead of guessing how long the
 * scheduler takes to start (the `sleep 50` of job scripts).
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isRecord } from './protocol/index.js';

export interface SchedulerFile {
  address: string;
  token?: string;
}

/** Written whole under a temporary name and renamed, so a reader never sees half of it. */
export function writeSchedulerFile(path: string, info: SchedulerFile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ type: 'Scheduler', address: info.address, ...(info.token === undefined ? {} : { token: info.token }) })}\n`, {
    mode: 0o600,
  });
  renameSync(tmp, path);
}

export function removeSchedulerFile(path: string): void {
  rmSync(path, { force: true });
}

/** Parse F; throws naming the file and what is wrong. */
export function readSchedulerFile(path: string): SchedulerFile {
  const text = readFileSync(path, 'utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `scheduler file ${path} is not JSON (${e instanceof Error ? e.message : String(e)}): it should be written by \`tsdask scheduler --scheduler-file\``,
      { cause: e },
    );
  }
  if (!isRecord(v) || typeof v.address !== 'string')
    throw new Error(`scheduler file ${path} has no "address": it should be written by \`tsdask scheduler --scheduler-file\``);
  return { address: v.address, token: typeof v.token === 'string' ? v.token : undefined };
}

/** Wait until F exists (polling), then read it; gives up after `timeoutMs`. */
export async function waitForSchedulerFile(path: string, timeoutMs: number, onWait: (line: string) => void = () => undefined): Promise<SchedulerFile> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  while (!existsSync(path)) {
    if (Date.now() >= deadline)
      throw new Error(
        `scheduler file ${path} did not appear within ${Math.round(timeoutMs / 1000)} s: start \`tsdask scheduler --scheduler-file ${path}\` (or raise --death-timeout)`,
      );
    if (!told) {
      onWait(`waiting for the scheduler file ${path}`);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return readSchedulerFile(path);
}
