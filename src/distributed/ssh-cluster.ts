/**
 * `SSHCluster`: `tsdask ssh` as an object. The first host runs the scheduler, every further
 * entry one worker process (name a host twice for two), each over its own OpenSSH session:
 *
 *   const client = await Client.connect(await SSHCluster.start(['sched', 'w1', 'w1', 'w2']));
 *
 * Remote processes live as long as their ssh session (they exit when its stdin closes), so
 * `close()`, or this process going away, ends them all. The token travels on each session's
 * stdin, never on a command line.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Adaptive, type AdaptOptions } from './adaptive.js';
import { Client } from './client/client.js';
import { errorMessage } from './errors.js';
import { generateToken } from './server.js';
import { type Host, hostPort, parseHost, remoteCommand, Session, type SessionSink, type SshClientOptions, sshArgs } from './ssh.js';

export interface SSHClusterOptions {
  /** Task slots per worker process (default: the worker host's cores). */
  nthreads?: number;
  /** Per worker process: 'auto' (default), '2GB', bytes, or 0 for none. */
  memoryLimit?: string | number;
  /** Per worker process: amounts tasks ask for with `submitWith({ resources })`. */
  resources?: Record<string, number>;
  /** The scheduler's port on the first host (default 8786; 0 picks a free one). */
  schedulerPort?: number;
  /** The dashboard on the first host: ':8787' (default), ':0', or null for none. */
  dashboardAddress?: string | null;
  /** Shared secret of scheduler, workers and clients (default: TSDASK_TOKEN, else a new one). */
  token?: string;
  /** Seconds a worker keeps trying to reach the scheduler (default 60). */
  deathTimeout?: number;
  /** How ssh connects; tsdask adds BatchMode=yes (never prompt) and, without `config`, StrictHostKeyChecking=accept-new. */
  sshOptions?: {
    /** ssh -F: an ssh_config (aliases, User, IdentityFile, UserKnownHostsFile, ...). */
    config?: string;
    /** ssh -i: the private key. */
    identity?: string;
    /** sshd port for hosts written without :port. */
    port?: number;
    /** Any ssh -o option, e.g. 'ConnectTimeout=10'. */
    options?: string[];
    /** The ssh program (default 'ssh'). */
    ssh?: string;
  };
  /** How to start tsdask on the hosts, as a shell command prefix (default: this node and this tsdask, at the same paths). */
  remoteCommand?: string;
  /** Directory to cd into on the hosts first. */
  remoteDir?: string;
  /** Give up starting after this many milliseconds (default 120000). */
  startTimeout?: number;
  /** Where remote output lines go (default: dropped, the last lines of each session go into errors). */
  log?: (line: string) => void;
}

export interface SSHWorkerInfo {
  /** The host entry as given. */
  host: string;
  /** 'starting', 'running' or why its session ended. */
  status: string;
}

/** This installation's tsdask command, with the node running now: right for hosts laid out like this one. */
export function sshClusterRemoteCommand(): string {
  const bin = join(__dirname, '..', '..', 'bin', 'tsdask.js');
  return [process.execPath, bin].map((s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)).join(' ');
}

interface Worker {
  entry: string;
  host: Host;
  session: Session;
  status: string;
  /** Its worker process's address at the scheduler, once it printed it. */
  address?: string;
}

export class SSHCluster {
  private closed = false;
  private adaptive: Adaptive | undefined;
  /** A Client of our own to the scheduler (retirement, adapt's target), opened when first needed. */
  private control: Promise<Client> | undefined;
  private readonly workerList: Worker[] = [];

  private constructor(
    readonly hosts: readonly string[],
    private readonly scheduler: Session,
    readonly schedulerAddress: string,
    readonly token: string,
    readonly dashboardLink: string | undefined,
    private readonly spawnWorker: (entry: string) => Worker,
    private readonly startTimeout: number,
    private readonly nthreads: number | undefined,
    private readonly log: ((line: string) => void) | undefined,
  ) {}

  /** Start the scheduler on `hosts[0]` and one worker process per further entry (on `hosts[0]` when it is the only one). */
  static async start(hosts: readonly string[], opts: SSHClusterOptions = {}): Promise<SSHCluster> {
    // Called from JavaScript too: check what arrived, not only what the types promise.
    const given: unknown = hosts;
    if (!Array.isArray(given) || given.length === 0 || given.some((h: unknown) => typeof h !== 'string' || h.trim() === ''))
      throw new TypeError(`SSHCluster.start: give a list of hosts, the scheduler's first, e.g. ['sched', 'w1', 'w1', 'w2'] (got ${JSON.stringify(hosts)})`);
    const parsed = hosts.map((h, i) => parseHost(h.trim(), `SSHCluster.start hosts[${i}]`));
    const token = opts.token ?? (process.env.TSDASK_TOKEN || generateToken());
    const remote = opts.remoteCommand ?? sshClusterRemoteCommand();
    const ssh = opts.sshOptions ?? {};
    const client: SshClientOptions = { config: ssh.config, identity: ssh.identity, defaultPort: ssh.port, options: ssh.options };
    const startTimeout = opts.startTimeout ?? 120_000;
    const log = opts.log;

    const open = (h: Host, role: string, args: string[]): Session => {
      // Own process group: a Ctrl-C in this terminal goes to this process, which then closes the sessions.
      const child = spawn(ssh.ssh ?? 'ssh', sshArgs(h, remoteCommand(remote, opts.remoteDir, args), client), {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      const prefix = `[${role} ${h.host}] `;
      const sink: SessionSink = (line) => log?.(prefix + line);
      return new Session(child, prefix, token, sink);
    };

    const schedArgs = ['scheduler', '--host', '0.0.0.0', '--port', String(opts.schedulerPort ?? 8786)];
    if (opts.dashboardAddress === null) schedArgs.push('--no-dashboard');
    else schedArgs.push('--dashboard-address', opts.dashboardAddress ?? ':8787');
    const sched = open(parsed[0], 'scheduler', schedArgs);
    const dashboard = sched.waitFor(/dashboard at \w+:\/\/[^/\s]*:(\d+)(\/\S*)/);
    const listening = await waitOrFail(
      sched.waitFor(/\(listening on \S+:(\d+)\)/),
      sched,
      startTimeout,
      `SSHCluster: could not start the scheduler on ${parsed[0].target} over ssh`,
    );
    const address = `tcp://${hostPort(parsed[0].host, Number(listening[1]))}`;
    let link: string | undefined;
    if (opts.dashboardAddress !== null) {
      const m = await Promise.race([dashboard, delay(2000).then(() => undefined)]);
      if (m) link = `http://${hostPort(parsed[0].host, Number(m[1]))}${m[2]}`;
    }

    const workerArgs = ['worker', address, '--nworkers', '1'];
    if (opts.nthreads !== undefined) workerArgs.push('--nthreads', String(opts.nthreads));
    if (opts.memoryLimit !== undefined) workerArgs.push('--memory-limit', String(opts.memoryLimit));
    if (opts.deathTimeout !== undefined) workerArgs.push('--death-timeout', String(opts.deathTimeout));
    if (opts.resources !== undefined)
      workerArgs.push(
        '--resources',
        Object.entries(opts.resources)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      );
    const spawnWorker = (entry: string): Worker => {
      const host = parseHost(entry.trim(), 'SSHCluster worker');
      const w: Worker = { entry, host, session: open(host, 'worker', workerArgs), status: 'starting' };
      void w.session.ended.then((why) => {
        if (w.status !== 'stopped') w.status = `ssh session ended (${why})`;
      });
      return w;
    };
    const cluster = new SSHCluster([...hosts], sched, address, token, link, spawnWorker, startTimeout, opts.nthreads, opts.log);
    try {
      await cluster.addWorkers(hosts.length > 1 ? hosts.slice(1) : [hosts[0]]);
    } catch (e) {
      await cluster.close();
      throw e;
    }
    return cluster;
  }

  private async addWorkers(entries: readonly string[]): Promise<void> {
    const fresh = entries.map((e) => this.spawnWorker(e));
    this.workerList.push(...fresh);
    await Promise.all(
      fresh.map(async (w) => {
        const m = await waitOrFail(
          w.session.waitFor(/tsdask worker: \d+ worker process.*, connected to \S+: (\S+)/),
          w.session,
          this.startTimeout,
          `SSHCluster: could not start a worker on ${w.host.target} over ssh`,
        );
        w.address = m[1];
        w.status = 'running';
      }),
    );
  }

  /** The worker processes and their state. */
  get workers(): SSHWorkerInfo[] {
    return this.workerList.map((w) => ({ host: w.entry, status: w.status }));
  }

  /**
   * Run `n` worker processes: new ones go to the worker hosts in turn (the hosts given to
   * `start`, after the first), the newest stop first.
   */
  async scale(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`SSHCluster.scale: n must be a non-negative integer, got ${n}`);
    if (this.closed) throw new Error(`SSHCluster.scale: the cluster at ${this.schedulerAddress} is closed`);
    const live = this.workerList.filter((w) => w.status === 'running' || w.status === 'starting');
    if (n < live.length) {
      const gone = live.slice(n);
      for (const w of gone) w.status = 'stopped';
      await this.retire(gone);
      await Promise.all(gone.map((w) => w.session.stop()));
      return;
    }
    const pool = this.hosts.length > 1 ? this.hosts.slice(1) : [this.hosts[0]];
    const add = Array.from({ length: n - live.length }, (_, i) => pool[(this.workerList.length + i) % pool.length]);
    await this.addWorkers(add);
  }

  /**
   * Scale with the work: more workers while tasks are queued (up to `maximum`), fewer once
   * they are done (down to `minimum`), retired gracefully. The policy is the scheduler's
   * (asked over the wire, as the scheduler runs on the first host). Replaces an earlier adapt().
   */
  adapt(opts: AdaptOptions = {}): Adaptive {
    this.adaptive?.stop();
    const live = () => this.workerList.filter((w) => w.status === 'running' || w.status === 'starting').length;
    const target = async (targetDuration: number) => {
      const c = await this.client();
      // Threads per worker as the workers reported them (a remote host's core count is not known here).
      const ws = (await c.schedulerInfo()).workerList;
      const perWorker = this.nthreads ?? (ws.length > 0 ? Math.max(1, Math.round(ws.reduce((a, w) => a + w.nthreads, 0) / ws.length)) : 1);
      return c.adaptiveTarget(targetDuration, perWorker);
    };
    this.adaptive = new Adaptive(target, { requested: live, threadsPerWorker: this.nthreads ?? 1, scale: (n) => this.scale(n) }, opts, (line) =>
      this.log?.(`[SSHCluster] ${line}`),
    ).start();
    return this.adaptive;
  }

  private client(): Promise<Client> {
    this.control ??= Client.connect(this.schedulerAddress, { token: this.token, setAsDefault: false });
    return this.control;
  }

  /** Workers leaving hand their results to the others first (the scheduler moves them), then their sessions end. */
  private async retire(gone: readonly Worker[]): Promise<void> {
    const addresses = gone.flatMap((w) => (w.address === undefined ? [] : [w.address]));
    if (addresses.length === 0) return;
    try {
      await (await this.client()).retireWorkers(addresses);
    } catch (e) {
      this.log?.(`[SSHCluster] could not retire ${addresses.join(', ')} gracefully (${errorMessage(e)}); stopping them`);
    }
  }

  /** End every worker session, then the scheduler's: the remote processes exit with them. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.adaptive?.stop();
    const control = this.control;
    this.control = undefined;
    if (control !== undefined) await control.then((c) => c.close()).catch(() => undefined);
    for (const w of this.workerList) if (w.status === 'running' || w.status === 'starting') w.status = 'stopped';
    await Promise.all(this.workerList.map((w) => w.session.stop()));
    await this.scheduler.stop();
  }

  toString(): string {
    const running = this.workerList.filter((w) => w.status === 'running').length;
    return `SSHCluster(${this.schedulerAddress}, workers=${running} on ${new Set(this.workerList.map((w) => w.host.host)).size} hosts${this.dashboardLink ? `, dashboard=${this.dashboardLink}` : ''})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** `what` resolved, or an error quoting the session's last output when it ends first or takes too long. */
async function waitOrFail<T>(what: Promise<T>, s: Session, ms: number, failure: string): Promise<T> {
  const r = await Promise.race([
    what.then((v) => ({ v })),
    s.ended.then((why) => ({ ended: why })),
    delay(ms).then(() => ({ ended: `no answer after ${ms / 1000} s` })),
  ]);
  if ('v' in r) return r.v;
  await s.stop();
  const out = s.tail();
  throw new Error(`${failure} (${r.ended})${out.length > 0 ? `; it printed:\n  ${out.join('\n  ')}` : '; it printed nothing'}${hint(out)}`);
}

/** What to do about ssh's usual complaints. */
function hint(lines: string[]): string {
  const text = lines.join('\n');
  if (/Permission denied \(publickey/.test(text))
    return '\nThe host refused the key: pass sshOptions.identity (ssh -i), or add your public key to ~/.ssh/authorized_keys there.';
  if (/Connection refused|No route to host|timed out|Could not resolve hostname|Network is unreachable/.test(text))
    return '\nThe host is unreachable over ssh: check the name and port, that it is up, and that a firewall lets SSH through.';
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/.test(text))
    return "\nssh does not trust the host's key: check it, then add it to known_hosts (ssh-keyscan) or pass sshOptions.config.";
  if (/address already in use|EADDRINUSE/i.test(text))
    return '\nA port is already in use on that host: pass another schedulerPort / dashboardAddress, or stop what uses it.';
  if (/not found|No such file/.test(text))
    return '\ntsdask could not start there: install Node.js and tsdask on the host and pass remoteCommand (e.g. "npx tsdask") and remoteDir.';
  return '';
}
