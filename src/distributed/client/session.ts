/**
 * Opening a client's connection: find the scheduler (a LocalCluster, an address, or a new
 * LocalCluster on this machine) and its token, connect, and say hello.
 */
import { readFileSync } from 'node:fs';
import { formatAddress, parseAddress } from '../address.js';
import { connect, type Connection } from '../connection.js';
import { LocalCluster } from '../local-cluster.js';
import { clientHello, type ClientWelcome, parseClientWelcome } from '../protocol/index.js';
import { helloBase } from '../server.js';
import { findLocalToken } from '../token-file.js';
import type { ClientOptions } from './options.js';

/**
 * What `Client.connect` needs from a cluster object (a LocalCluster, an SSHCluster, ...):
 * where its scheduler listens, the token it requires, and how to stop it (`client.shutdown()`).
 */
export interface ClusterLike {
  readonly schedulerAddress: string;
  readonly token?: string | undefined;
  close(): Promise<void>;
}

export interface Session {
  conn: Connection;
  welcome: ClientWelcome;
  /** The cluster this client started itself (closed with it). */
  own: LocalCluster | undefined;
  cluster: LocalCluster | undefined;
  /** The cluster object the client was given or started (stopped by `shutdown()`). */
  attached: ClusterLike | undefined;
}

export async function openSession(target: ClusterLike | string | undefined, opts: ClientOptions): Promise<Session> {
  let address: string;
  let own: LocalCluster | undefined;
  let cluster: LocalCluster | undefined;
  let token = opts.token ?? process.env.TSDASK_TOKEN;
  if (target === undefined) {
    own = await LocalCluster.start(opts.cluster ?? {});
    cluster = own;
    address = own.schedulerAddress;
    token ??= own.token;
  } else if (typeof target === 'string') {
    address = target;
  } else {
    if (target instanceof LocalCluster) cluster = target;
    address = target.schedulerAddress;
    token ??= target.token;
  }
  const addr = parseAddress(address);
  token ??= findLocalToken(addr.host, addr.port);
  let conn: Connection;
  try {
    // A LocalCluster's scheduler lives in this process: talk to it without a socket.
    conn =
      cluster !== undefined
        ? cluster.scheduler.connectInProcess()
        : await connect(addr, { timeoutMs: opts.timeout ?? 10_000, ca: opts.tlsCa ? readFileSync(opts.tlsCa) : undefined, insecure: opts.insecure });
  } catch (e) {
    await own?.close();
    throw e;
  }
  try {
    const r = await conn.request(clientHello({ role: 'client', ...helloBase(token) }), parseClientWelcome, opts.timeout ?? 10_000);
    return { conn, welcome: r.result, own, cluster, attached: typeof target === 'string' ? undefined : (target ?? own) };
  } catch (e) {
    conn.close();
    await own?.close();
    throw new Error(`scheduler at ${formatAddress(addr)} refused the client: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
