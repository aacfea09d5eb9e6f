/**
 * Off loopback the dashboard asks for the cluster token: a browser gets it as a cookie from a
 * one-time link the scheduler prints (the link works once, so a leaked log line or browser
 * history entry does not open the dashboard later); scripts send `Authorization: Bearer TOKEN`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const COOKIE = 'tsdask-dashboard';

export class DashboardAuth {
  private readonly once = new Set<string>();
  constructor(private readonly token: string | undefined) {}

  get required(): boolean {
    return this.token !== undefined;
  }

  /** A path that sets the cookie once and goes on to `next`. */
  oneTimePath(next = '/status'): string {
    const code = randomBytes(16).toString('hex');
    this.once.add(code);
    return `/login?once=${code}&next=${encodeURIComponent(next)}`;
  }

  /** The request may see the dashboard (loopback dashboards need no token). */
  allows(req: IncomingMessage): boolean {
    if (this.token === undefined) return true;
    const auth = req.headers.authorization;
    if (auth !== undefined && auth.startsWith('Bearer ') && same(auth.slice(7), this.token)) return true;
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === COOKIE && same(decodeURIComponent(rest.join('=')), this.token)) return true;
    }
    return false;
  }

  /** GET /login?once=CODE: set the cookie and redirect, or refuse a used or unknown code. */
  login(url: URL, res: ServerResponse): void {
    const code = url.searchParams.get('once') ?? '';
    if (this.token === undefined || !this.once.delete(code)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('this login link was already used or is unknown: the scheduler prints a new one when it starts (or use Authorization: Bearer TOKEN)\n');
      return;
    }
    const next = url.searchParams.get('next') ?? '/status';
    res.writeHead(302, {
      'set-cookie': `${COOKIE}=${encodeURIComponent(this.token)}; Path=/; HttpOnly; SameSite=Strict`,
      location: next.startsWith('/') && !next.startsWith('//') ? next : '/status',
    });
    res.end();
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
