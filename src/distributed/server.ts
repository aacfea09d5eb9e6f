/**
 * Listening side of a connection (scheduler and worker ports) and the hello handshake every
 * peer starts with: protocol version check, then the shared token when one is required.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { WebSocketServer } from 'ws';
import { type Address, boundAddress, formatAddress, isLoopback } from './address.js';
import { Connection, MAX_MESSAGE } from './connection.js';
import { InProcessLink } from './links/in-process.js';
import { WebSocketLink } from './links/websocket.js';
import { type Hello, helloParser, isRecord, PROTOCOL_VERSION, type ProtocolError } from './protocol/index.js';
import { errorMessage } from './errors.js';

/** The installed tsdask version (shown when versions differ). */
export const TSDASK_VERSION: string = packageVersion();

function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json lies outside rootDir: an import would pull it into the build
  const pkg: unknown = require('../../package.json');
  return isRecord(pkg) && typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

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
  /**
   * A connection from this process, over an in-process link instead of a loopback socket: it
   * gets the same hello, token check and handling as a websocket peer. Returns the caller's end.
   */
  connectInProcess(): Connection;
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
    throw new Error(`cannot read token file ${path}: ${errorMessage(e)}`, { cause: e });
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

/** The fields every hello carries: protocol and package version, and the token if any. */
export function helloBase(token: string | undefined): { version: number; tsdask: string; token: string | undefined } {
  return { version: PROTOCOL_VERSION, tsdask: TSDASK_VERSION, token };
}

/** Why a hello is refused for its token, or undefined when it is accepted. */
export function checkToken(h: Hello, opts: { token?: string; role: string }): { code: number; message: string } | undefined {
  if (opts.token === undefined) return undefined;
  if (typeof h.token !== 'string' || h.token === '') {
    return {
      code: 4001,
      message: `authentication required: this ${opts.role} listens on a non-loopback address and needs the cluster token. Pass it with --token-file FILE, the TSDASK_TOKEN environment variable, or Client.connect(address, { token }).`,
    };
  }
  if (!sameToken(h.token, opts.token)) {
    return {
      code: 4001,
      message: `authentication failed: wrong token for this ${opts.role}. Use the token the scheduler printed at start (or its --token-file).`,
    };
  }
  return undefined;
}

/**
 * A new peer's first message must be a hello: the accepted go to `onPeer` with their hello,
 * the refused get the reason and are closed.
 */
function greet(conn: Connection, opts: ListenOptions, parseHello: ReturnType<typeof helloParser>, onPeer: (conn: Connection, hello: Hello) => void): void {
  const timer = setTimeout(() => conn.close(4000, 'no hello within 10 s'), 10_000);
  const refuse = (code: number, message: string, rid: number | undefined) => {
    clearTimeout(timer);
    conn.replyError(rid, { name: 'ConnectionRefused', message });
    conn.flush();
    setTimeout(() => conn.close(code, message), 50);
  };
  conn.serve(
    parseHello,
    (h) => {
      clearTimeout(timer);
      const refusal = checkToken(h, opts);
      if (refusal !== undefined) refuse(refusal.code, refusal.message, h.rid);
      else onPeer(conn, h);
    },
    (e: ProtocolError, rid) => refuse(e.closeCode, e.message, rid),
  );
  conn.on('close', () => clearTimeout(timer));
}

/** Listen for websocket peers (and take in-process ones); each is greeted (`greet`) first. */
export function listen(
  opts: ListenOptions,
  onPeer: (conn: Connection, hello: Hello) => void,
  onHttp?: Parameters<typeof createHttpServer>[1],
): Promise<Listener> {
  const handler =
    onHttp ??
    ((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end(`this is a tsdask ${opts.role} port: connect with a tsdask Client or worker (tcp://HOST:PORT)\n`);
    });
  const http = opts.tls ? createHttpsServer({ cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) }, handler) : createHttpServer(handler);
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_MESSAGE, perMessageDeflate: false });
  const parseHello = helloParser({ role: opts.role, tsdask: TSDASK_VERSION });
  wss.on('connection', (ws, req) => {
    const remote = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    greet(new Connection(new WebSocketLink(ws, remote), remote, req.socket.localAddress), opts, parseHello, onPeer);
  });
  /** Our ends of the in-process links still open (dropped with the listener, as its sockets are). */
  const inProcess = new Set<InProcessLink>();
  let inProcessCount = 0;
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
      const a = boundAddress(http);
      const address: Address = { secure: opts.tls !== undefined, host: opts.host === '0.0.0.0' || opts.host === '::' ? opts.host : a.address, port: a.port };
      resolve({
        address,
        http,
        connectInProcess: () => {
          const [ours, theirs] = InProcessLink.pair();
          const conn = new Connection(ours, `in-process peer ${++inProcessCount}`, undefined);
          inProcess.add(ours);
          conn.on('close', () => inProcess.delete(ours));
          greet(conn, opts, parseHello, onPeer);
          return new Connection(theirs, `${formatAddress(address)} (in this process)`, undefined);
        },
        close: () =>
          new Promise<void>((res) => {
            // Stop listening first: by the time a peer sees its connection drop, the port refuses.
            http.close(() => res());
            for (const c of wss.clients) c.terminate();
            for (const l of inProcess) l.terminate();
            inProcess.clear();
            wss.close();
            http.closeAllConnections?.();
          }),
      });
    });
  });
}
