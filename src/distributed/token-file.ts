/**
 * Where a scheduler that generated its token leaves it for clients and workers on the same
 * machine (like Jupyter's runtime files): ~/.tsdask/scheduler-PORT.token, readable by the user only.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { isLoopback } from './address.js';

export function localTokenPath(port: number): string {
  return join(process.env.TSDASK_HOME ?? join(homedir(), '.tsdask'), `scheduler-${port}.token`);
}

export function writeLocalToken(port: number, token: string): string {
  const path = localTokenPath(port);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export function removeLocalToken(port: number): void {
  rmSync(localTokenPath(port), { force: true });
}

/** The token a local scheduler left for `host:port`, when host is this machine. */
export function findLocalToken(host: string, port: number): string | undefined {
  if (!isLoopback(host) && host !== hostname() && host !== '0.0.0.0') return undefined;
  const path = localTokenPath(port);
  if (!existsSync(path)) return undefined;
  const t = readFileSync(path, 'utf8').trim();
  return t === '' ? undefined : t;
}
