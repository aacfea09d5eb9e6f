/**
 * Addresses: users write `tcp://host:port` (Dask's spelling) or `tls://host:port`; on the wire
 * these are websocket URLs (`ws://`, `wss://`).
 */
import { isIP } from 'node:net';

export interface Address {
  secure: boolean;
  host: string;
  port: number;
}

export class AddressError extends Error {
  override name = 'AddressError';
}

export function parseAddress(text: string, defaultPort = 8786): Address {
  const raw = text.trim();
  const m = /^(?:(tcp|tls|ws|wss):\/\/)?(\[[^\]]+\]|[^:/\s]*)(?::(\d+))?\/?$/.exec(raw);
  if (m === null) {
    throw new AddressError(`cannot read address '${text}': expected tcp://HOST:PORT (or tls://HOST:PORT for TLS)`);
  }
  const scheme = m[1] ?? 'tcp';
  let host = m[2] || '127.0.0.1';
  if (host.startsWith('[')) host = host.slice(1, -1);
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AddressError(`address '${text}': port ${m[3]} is out of range`);
  return { secure: scheme === 'tls' || scheme === 'wss', host, port };
}

/** `:8787`, `8787`, `0.0.0.0:8787` -> host/port (host may be empty: same as the scheduler's). */
export function parseHostPort(text: string, defaultHost: string): { host: string; port: number } {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { host: defaultHost, port: Number(t) };
  const a = parseAddress(t.startsWith(':') ? `${defaultHost.includes(':') ? `[${defaultHost}]` : defaultHost}${t}` : t, 0);
  return { host: a.host, port: a.port };
}

export function formatAddress(a: Address): string {
  const host = isIP(a.host) === 6 ? `[${a.host}]` : a.host;
  return `${a.secure ? 'tls' : 'tcp'}://${host}:${a.port}`;
}

export function wsUrl(a: Address): string {
  const host = isIP(a.host) === 6 ? `[${a.host}]` : a.host;
  return `${a.secure ? 'wss' : 'ws'}://${host}:${a.port}/`;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  if (host.startsWith('::ffff:')) host = host.slice(7);
  return /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The address a listening server is bound to (a TCP server always has one). */
export function boundAddress(server: { address(): { address: string; port: number } | string | null }): { address: string; port: number } {
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error(`server is not listening on a TCP port (${String(a)})`);
  return a;
}
