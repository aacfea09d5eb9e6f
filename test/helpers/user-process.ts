/**
 * Run a command the way a user's shell would. Under tap, child_process is wrapped to inject
 * tap's coverage loader into NODE_OPTIONS, which changes how Node loads .ts entry points;
 * going through `env -u NODE_OPTIONS` gives the child a clean environment.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export interface UserRunOptions {
  cwd?: string;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function runAsUser(cmd: string, args: readonly string[], opts: UserRunOptions = {}): SpawnSyncReturns<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TAP') && !k.startsWith('_TAPJS'))) as Record<string, string>;
  return spawnSync('/usr/bin/env', ['-u', 'NODE_OPTIONS', cmd, ...args], {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...env, ...opts.env },
  });
}
