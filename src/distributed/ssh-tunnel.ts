/**
 * The dashboard through ssh: a forward from a port on this machine's loopback to the remote
 * dashboard, and a one-time login link on that port. Off loopback the dashboard answers 401
 * without the cluster token; the link (minted by the scheduler for a token holder, see
 * /api/login-link) sets the token cookie in the browser that opens it, once.
 */
import { connect, createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (`preferred` when it is free). */
export function freeLocalPort(preferred?: number): Promise<number> {
  const tryPort = (port: number): Promise<number | undefined> =>
    new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(undefined));
      s.listen(port, '127.0.0.1', () => {
        const a = s.address();
        const got = typeof a === 'object' && a !== null ? a.port : undefined;
        s.close(() => resolve(got));
      });
    });
  return (async () => (preferred !== undefined ? await tryPort(preferred) : undefined) ?? (await tryPort(0)) ?? 0)();
}

/** ssh's forward option: `localPort` on this machine's loopback to `remotePort` on the remote host's loopback side. */
export const forwardArgs = (localPort: number, remotePort: number): string[] => [
  '-o',
  'ExitOnForwardFailure=yes',
  '-L',
  `127.0.0.1:${localPort}:localhost:${remotePort}`,
];

/** Resolves true once something accepts connections on 127.0.0.1:port, false after `ms`. */
export async function waitListening(port: number, ms: number, gone?: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until && gone?.() !== true) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * A link on this machine that logs a browser into the dashboard once: the scheduler mints a
 * one-time code for whoever shows the token (`GET /api/login-link`). A dashboard on loopback
 * needs no login: its status page.
 */
export async function dashboardLoginLink(localPort: number, token: string): Promise<string> {
  const base = `http://localhost:${localPort}`;
  const res = await fetch(`http://127.0.0.1:${localPort}/api/login-link`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`the dashboard at ${base} answered ${res.status} to /api/login-link: ${(await res.text()).trim()}`);
  const body: unknown = await res.json();
  const path = typeof body === 'object' && body !== null && 'path' in body ? body.path : undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new Error(`the dashboard at ${base} sent no login path: ${JSON.stringify(body)}`);
  return base + path;
}
