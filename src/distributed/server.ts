/**
 * Listening side of a connection (scheduler and worker ports) and the hello handshake every
 * peer starts with: protocol version check, then the shared token when one is required.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { type Address, isLoopback } from './address.js';
import { Connection, MAX_MESSAGE } from './connection.js';
import { type Op, PROTOCOL_VERSION } from './protocol.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json lies outside rootDir: an import would pull it into the build
export const TSDASK_VERSION: string = (require('../../package.json') as { version: string }).version;

export interface TlsFiles {
  cert: string;
  key: string;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** Required from every peer when set. */
  token?: string;
  tls?: TlsFiles;
  /** What this port is, for error messages ('scheduler', 'worker'). */
  role: string;
}

export interface Listener {
  address: Address;
  http: HttpServer;
  close(): Promise<void>;
}

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Token to use for a listener: given, or generated when the host is not loopback. */
export function tokenFor(host: string, given: string | undefined): string | undefined {
  if (given !== undefined && given !== '') return given;
  return isLoopback(host) ? undefined : generateToken();
}

export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read token file ${path}: ${(e as Error).message}`);
  }
  const t = text.trim();
  if (t === '') throw new Error(`token file ${path} is empty`);
  return t;
}

function sameToken(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export interface Hello extends Op {
  op: 'hello';
  role: 'client' | 'worker' | 'peer';
  version: number;
  tsdask: string;
  token?: string;
}

export function hello(role: Hello['role'], token: string | undefined, extra: Record<string, unknown> = {}): Hello {
  return { op: 'hello', role, version: PROTOCOL_VERSION, tsdask: TSDASK_VERSION, token, ...extra };
}

/** Why a hello is refused, or undefined when it is accepted. */
export function checkHello(op: Op, opts: { token?: string; role: string }): { code: number; message: string } | undefined {
  if (op.op !== 'hello') return { code: 4000, message: `expected a hello first, got '${op.op}'` };
  const h = op as Hello;
  if (h.version !== PROTOCOL_VERSION) {
    return {
      code: 4002,
      message: `version mismatch: this ${opts.role} speaks tsdask protocol ${PROTOCOL_VERSION} (tsdask ${TSDASK_VERSION}), the ${h.role} speaks protocol ${h.version} (tsdask ${h.tsdask}). Install the same tsdask version everywhere.`,
    };
  }
  if (opts.token !== undefined) {
    if (typeof h.token !== 'string' || h.token === '') {
      return { code: 4001, message: `authentication required: this ${opts.role} listens on a non-loopback address and needs the cluster token. Pass it with --token-file FILE, the TSDASK_TOKEN environment variable, or Client.connect(address, { token }).` };
    }
    if (!sameToken(h.token, opts.token)) {
      return { code: 4001, message: `authentication failed: wrong token for this ${opts.role}. Use the token the scheduler printed at start (or its --token-file).` };
    }
  }
  return undefined;
}

/**
 * Listen for websocket peers. Each must send a hello first; accepted ones are handed to
 * `onPeer` with their hello, refused ones get the reason and are closed.
 */
export function listen(opts: ListenOptions, onPeer: (conn: Connection, hello: Hello) => void, onHttp?: Parameters<typeof createHttpServer>[1]): Promise<Listener> {
  const handler = onHttp ?? ((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end(`this is a tsdask ${opts.role} port: connect with a tsdask Client or worker (tcp://HOST:PORT)\n`);
  });
  const http = opts.tls
    ? createHttpsServer({ cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) }, handler)
    : createHttpServer(handler);
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_MESSAGE, perMessageDeflate: false });
  wss.on('connection', (ws, req) => {
    const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const conn = new Connection(ws, remote);
    const timer = setTimeout(() => conn.close(4000, 'no hello within 10 s'), 10_000);
    conn.onOp((op) => {
      clearTimeout(timer);
      const refusal = checkHello(op, opts);
      if (refusal !== undefined) {
        conn.replyError(op.rid, { name: 'ConnectionRefused', message: refusal.message });
        conn.flush();
        setTimeout(() => conn.close(refusal.code, refusal.message), 50);
        return;
      }
      conn.onOp(() => undefined);
      onPeer(conn, op as Hello);
    });
    conn.on('close', () => clearTimeout(timer));
  });
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        new Error(
          e.code === 'EADDRINUSE'
            ? `cannot listen on ${opts.host}:${opts.port}: the port is in use (another scheduler? pick another with --port, or 0 for any free port)`
            : `cannot listen on ${opts.host}:${opts.port}: ${e.message}`,
        ),
      );
    };
    http.once('error', onError);
    http.listen(opts.port, opts.host, () => {
      http.off('error', onError);
      const a = http.address() as AddressInfo;
      resolve({
        address: { secure: opts.tls !== undefined, host: opts.host === '0.0.0.0' || opts.host === '::' ? opts.host : a.address, port: a.port },
        http,
        close: () =>
          new Promise<void>((res) => {
            for (const c of wss.clients) c.terminate();
            wss.close();
            http.close(() => res());
            http.closeAllConnections?.();
          }),
      });
    });
  });
}
