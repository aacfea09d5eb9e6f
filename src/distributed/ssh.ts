/**
 * `tsdask ssh --hostfile hosts.txt`: a scheduler on the first host, workers on the others (on
 * that one host when it is the only one), each started over its own OpenSSH session. Workers
 * start once the scheduler listens, against the port it reports. The token travels on the ssh
 * session's stdin, never on a command line; remote processes end when their ssh session does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { intOption, parseArgs, UsageError } from './cli-args.js';
import { generateToken, readTokenFile } from './server.js';
import { dashboardLoginLink, forwardArgs, freeLocalPort, waitListening } from './ssh-tunnel.js';
import { errorMessage } from './errors.js';

function usage(): string {
  return `usage: tsdask ssh --hostfile hosts.txt [options]

Starts a scheduler on the first host of the hostfile and workers on the other hosts (on the
first host too when it is the only one), each over its own ssh session. Ctrl-C stops them all;
a remote process also stops when its ssh session ends.

hostfile: one host per line as [user@]host[:port] (port: that host's sshd; IPv6 as [addr]:port);
  '#' starts a comment. Workers reach the scheduler at the first host's name as written, so
  write names or addresses the worker hosts can reach too.

cluster:
  --nworkers 1               worker processes per worker host
  --nthreads N               threads per worker process (default: cores / nworkers)
  --memory-limit auto        per worker process: auto, 2GB, ..., 0 for none
  --death-timeout 60         seconds a worker keeps trying to reach the scheduler
  --resources GPU=2,MEM=10e9 per worker process: amounts tasks ask for (submitWith({ resources }))
  --scheduler-port 8786      0 picks a free port; the one in use is printed
  --dashboard-address :8787  or --no-dashboard
  --dashboard-local-port P   the dashboard is forwarded over ssh to localhost:P (default: its
                             remote port when free here, else a free one); tsdask ssh prints a
                             link there that logs your browser in once (no token to paste)
  --token-file F             token for scheduler, workers and clients (read, or created 0600);
                             else TSDASK_TOKEN; else a new one, printed for your clients

ssh client (OpenSSH):
  --ssh-config F             ssh -F F: Host aliases, User, IdentityFile, UserKnownHostsFile, ...
  --ssh-identity KEY         ssh -i KEY
  --ssh-port 22              port for hosts written without :port
  --ssh-option K=V           any ssh -o option; repeatable; wins over the defaults below
  --ssh ssh                  the ssh program
  tsdask adds -o BatchMode=yes (never prompt), and -o StrictHostKeyChecking=accept-new
  unless --ssh-config is given (then your file decides).

remote side:
  --remote-command CMD       how to start tsdask on the hosts, as a shell command prefix.
                             Default: the node and tsdask this command runs with, at the same
                             paths: ${defaultRemoteCommand()}
                             Elsewhere e.g. 'npx tsdask' or '/opt/node/bin/node /srv/app/node_modules/tsdask/bin/tsdask.js'
  --remote-dir DIR           cd there first (e.g. the project whose node_modules hold tsdask)`;
}

export interface Host {
  /** What ssh connects to: user@host or host. */
  target: string;
  /** The host name or address alone: also how workers reach the scheduler. */
  host: string;
  /** The sshd port, when the hostfile gives one. */
  port?: number;
}

/** One hostfile entry: `[user@]host[:port]`, IPv6 as `[addr]` or `[addr]:port`. */
export function parseHost(entry: string, where: string): Host {
  const bad = (why: string) =>
    new UsageError(`tsdask ssh: ${where}: cannot read '${entry}': ${why} (write [user@]host[:port], e.g. ubuntu@10.0.0.5 or 10.0.0.6:2222)`);
  const at = entry.lastIndexOf('@');
  const user = at >= 0 ? entry.slice(0, at) : undefined;
  if (user === '') throw bad('the user before @ is empty');
  const rest = entry.slice(at + 1);
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
    if (m === null) throw bad('an IPv6 address in brackets must be followed by nothing or :port');
    [, host, portText] = m;
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    host = rest; // a bare IPv6 address, no port
  } else {
    const i = rest.indexOf(':');
    host = i < 0 ? rest : rest.slice(0, i);
    portText = i < 0 ? undefined : rest.slice(i + 1);
  }
  if (host === '') throw bad('the host is empty');
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw bad(`port '${portText}' is not a number from 1 to 65535`);
  }
  return { target: user === undefined ? host : `${user}@${host}`, host, ...(port === undefined ? {} : { port }) };
}

export function readHostfile(path: string): Host[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`tsdask ssh: cannot read hostfile ${path}: ${errorMessage(e)}`);
  }
  const hosts: Host[] = [];
  text.split('\n').forEach((line, i) => {
    const entry = line.replace(/#.*/, '').trim().split(/\s+/)[0];
    if (entry) hosts.push(parseHost(entry, `${path}:${i + 1}`));
  });
  if (hosts.length === 0) throw new UsageError(`tsdask ssh: hostfile ${path} lists no hosts (one host per line; the first runs the scheduler)`);
  return hosts;
}

export const hostPort = (host: string, port: number) => `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** This process's node, loader flags and script: the same paths work on hosts laid out alike. */
export function defaultRemoteCommand(): string {
  const script = process.argv[1];
  if (!script) return 'tsdask';
  const flags = process.execArgv.filter((a) => !/^--(inspect|debug)/.test(a));
  return [process.execPath, ...flags, script].map(quote).join(' ');
}

/** The remote shell command: read the token from stdin, then run tsdask there. */
export function remoteCommand(remote: string, dir: string | undefined, args: string[]): string {
  const cd = dir === undefined ? '' : `cd ${quote(dir)} && `;
  return `${cd}IFS= read -r TSDASK_TOKEN && export TSDASK_TOKEN && exec ${remote} ${args.map(quote).join(' ')} --exit-on-stdin-close`;
}

export interface SshClientOptions {
  config?: string;
  identity?: string;
  defaultPort?: number;
  options?: readonly string[];
}

/** ssh's arguments for one host. ssh keeps the first value it sees, so the user's -o come first. */
export function sshArgs(host: Host, command: string, o: SshClientOptions): string[] {
  const args: string[] = [];
  if (o.config !== undefined) args.push('-F', o.config);
  for (const opt of o.options ?? []) args.push('-o', opt);
  args.push('-o', 'BatchMode=yes');
  if (o.config === undefined) args.push('-o', 'StrictHostKeyChecking=accept-new');
  if (o.identity !== undefined) args.push('-i', o.identity);
  const port = host.port ?? o.defaultPort;
  if (port !== undefined) args.push('-p', String(port));
  args.push('-T', host.target, command);
  return args;
}

/** Where a session's output lines go: by default this process's stdout and stderr, with the session's prefix. */
export type SessionSink = (line: string, stream: 'stdout' | 'stderr') => void;

/**
 * One ssh session: its output relayed line by line with a prefix, and watched for patterns.
 * The last lines are kept (`tail`) so an error can say what the remote side printed.
 */
export class Session {
  readonly ended: Promise<string>;
  private readonly watchers = new Set<(line: string) => boolean>();
  private readonly lastLines: string[] = [];
  quiet = false;

  constructor(
    readonly child: ChildProcess,
    readonly prefix: string,
    token: string,
    private readonly sink?: SessionSink,
  ) {
    this.ended = new Promise((resolve) => {
      child.on('error', (e) => resolve(`cannot run ssh: ${e.message}`));
      // 'close', not 'exit': by then every output line has been relayed (errors quote them).
      child.on('close', (code, signal) => resolve(signal ?? `exit code ${code}`));
    });
    void this.ended.then((why) => {
      if (this.quiet) return;
      if (this.sink) this.sink(`ssh session ended (${why})`, 'stderr');
      else console.error(`${prefix}ssh session ended (${why})`);
    });
    child.stdin!.on('error', () => undefined); // ssh gone: its exit says why
    child.stdin!.write(`${token}\n`);
    this.relay(child.stdout!, 'stdout');
    this.relay(child.stderr!, 'stderr');
  }

  /** The session's last output lines (at most 20), oldest first. */
  tail(): string[] {
    return [...this.lastLines];
  }

  /** Resolves with the first later output line matching `re`; never if none does. */
  waitFor(re: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve) => {
      const w = (line: string) => {
        const m = re.exec(line);
        if (m) resolve(m);
        return m !== null;
      };
      this.watchers.add(w);
    });
  }

  private relay(stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): void {
    let buf = '';
    const emit = (line: string) => {
      if (this.sink) this.sink(line, name);
      else (name === 'stdout' ? process.stdout : process.stderr).write(this.prefix + line + '\n');
      this.lastLines.push(line);
      if (this.lastLines.length > 20) this.lastLines.shift();
      for (const w of this.watchers) if (w(line)) this.watchers.delete(w);
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) emit(l);
    });
    stream.on('end', () => {
      if (buf) emit(buf);
    });
  }

  /** Closing stdin ends the remote process (--exit-on-stdin-close); kill ssh if it lingers. */
  async stop(): Promise<void> {
    this.quiet = true;
    this.child.stdin?.end();
    const t = setTimeout(() => this.child.kill('SIGTERM'), 5000);
    await this.ended;
    clearTimeout(t);
  }
}

function tokenOption(file: string | undefined): { token: string; generated: boolean } {
  if (file !== undefined) {
    if (existsSync(file)) return { token: readTokenFile(file), generated: false };
    const token = generateToken();
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    return { token, generated: false };
  }
  if (process.env.TSDASK_TOKEN) return { token: process.env.TSDASK_TOKEN, generated: false };
  return { token: generateToken(), generated: true };
}

export async function runSsh(argv: string[]): Promise<number> {
  const p = parseArgs(
    argv,
    {
      values: [
        'hostfile',
        'nworkers',
        'nthreads',
        'memory-limit',
        'death-timeout',
        'resources',
        'scheduler-port',
        'dashboard-address',
        'dashboard-local-port',
        'token-file',
        'ssh-config',
        'ssh-identity',
        'ssh-port',
        'remote-command',
        'remote-dir',
        'ssh',
      ],
      lists: ['ssh-option'],
      booleans: ['help', 'no-dashboard', 'exit-on-stdin-close'],
    },
    'ssh',
  );
  if (p.flags.has('help')) {
    console.log(usage());
    return 0;
  }
  const hostfile = p.values.get('hostfile') ?? p.positional[0];
  if (hostfile === undefined) throw new UsageError(`tsdask ssh: --hostfile is required\n${usage()}`);
  const hosts = readHostfile(hostfile);
  const port = intOption(p, 'scheduler-port', 8786, 'ssh');
  const dashLocal = p.values.has('dashboard-local-port') ? intOption(p, 'dashboard-local-port', 0, 'ssh') : undefined;
  const sshPort = p.values.has('ssh-port') ? intOption(p, 'ssh-port', 22, 'ssh') : undefined;
  const client: SshClientOptions = {
    config: p.values.get('ssh-config'),
    identity: p.values.get('ssh-identity'),
    defaultPort: sshPort,
    options: p.lists.get('ssh-option'),
  };
  const sshBin = p.values.get('ssh') ?? 'ssh';
  const remote = p.values.get('remote-command') ?? defaultRemoteCommand();
  const dir = p.values.get('remote-dir');
  const { token, generated } = tokenOption(p.values.get('token-file'));
  const [schedHost, ...rest] = hosts;
  const workerHosts = rest.length > 0 ? rest : [schedHost];
  const sessions: Session[] = [];

  const start = (h: Host, role: string, args: string[]): Session => {
    // Own process group: Ctrl-C reaches this command only, which then closes each session in turn.
    const child = spawn(sshBin, sshArgs(h, remoteCommand(remote, dir, args), client), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const s = new Session(child, `[${role} ${h.host}] `, token);
    sessions.push(s);
    return s;
  };
  const stopped = new Promise<string>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => resolve(sig));
    // As for scheduler and worker: a supervisor (or a test) that goes away takes the cluster along.
    if (p.flags.has('exit-on-stdin-close')) {
      process.stdin.on('end', () => resolve('stdin closed'));
      process.stdin.on('error', () => resolve('stdin closed'));
      process.stdin.resume();
    }
  });
  let stopping = false;
  const shutdown = async (why: string, code: number): Promise<number> => {
    stopping = true;
    console.error(`tsdask ssh: stopping (${why})`);
    await Promise.all(sessions.map((s) => s.stop()));
    return code;
  };

  const schedArgs = ['scheduler', '--host', '0.0.0.0', '--port', String(port)];
  if (p.flags.has('no-dashboard')) schedArgs.push('--no-dashboard');
  else if (p.values.has('dashboard-address')) schedArgs.push('--dashboard-address', p.values.get('dashboard-address')!);
  const sched = start(schedHost, 'scheduler', schedArgs);
  const dashboard = sched.waitFor(/dashboard at \w+:\/\/[^/\s]*:(\d+)(\/\S*)/);
  const first = await Promise.race([
    sched.waitFor(/\(listening on \S+:(\d+)\)/).then((m) => ({ port: Number(m[1]) })),
    sched.ended.then((why) => ({ ended: why })),
    stopped.then((why) => ({ stopped: why })),
  ]);
  if ('ended' in first) {
    return shutdown(`could not start the scheduler on ${schedHost.host} over ssh (${first.ended}); its output is above`, 1);
  }
  if ('stopped' in first) return shutdown(first.stopped, 0);

  const address = `tcp://${hostPort(schedHost.host, first.port)}`;
  console.log(`tsdask ssh: scheduler at ${address}`);
  void dashboard.then(async (m) => {
    console.log(`tsdask ssh: dashboard at http://${hostPort(schedHost.host, Number(m[1]))}${m[2]}`);
    // Off loopback the dashboard wants the token: forward it here and print a link that logs in once.
    const local = await freeLocalPort(dashLocal ?? Number(m[1]));
    if (stopping) return;
    const tunnel = new Session(
      spawn(sshBin, [...forwardArgs(local, Number(m[1])), ...sshArgs(schedHost, 'cat >/dev/null', client)], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      }),
      `[dashboard tunnel ${schedHost.host}] `,
      token,
    );
    sessions.push(tunnel);
    let ended = false;
    void tunnel.ended.then(() => (ended = true));
    try {
      if (!(await waitListening(local, 30_000, () => ended || stopping)))
        throw new Error(`the forward to localhost:${local} did not open (ssh's output is above)`);
      const link = await dashboardLoginLink(local, token);
      console.log(`tsdask ssh: dashboard on this machine through ssh (the link logs one browser in, once): ${link}`);
    } catch (e) {
      if (!stopping) console.error(`tsdask ssh: no dashboard link on this machine: ${errorMessage(e)}`);
    }
  });
  if (generated)
    console.log(`token: ${token}\n  (clients need it: Client.connect('${address}', { token }) or TSDASK_TOKEN; --token-file F keeps one across runs)`);

  const workerArgs = ['worker', address];
  for (const f of ['nworkers', 'nthreads', 'memory-limit', 'death-timeout', 'resources']) if (p.values.has(f)) workerArgs.push(`--${f}`, p.values.get(f)!);
  const ready = workerHosts.map((h) => {
    const s = start(h, 'worker', workerArgs);
    return Promise.race([
      s.waitFor(/tsdask worker: (\d+) worker process/).then((m) => ({ host: h.host, n: Number(m[1]) })),
      s.ended.then(() => ({ host: h.host, n: 0 })),
    ]);
  });
  void Promise.all(ready).then((rs) => {
    if (stopping) return;
    const up = rs.filter((r) => r.n > 0);
    const down = rs.filter((r) => r.n === 0).map((r) => r.host);
    const n = up.reduce((a, r) => a + r.n, 0);
    console.log(
      `tsdask ssh: ${n} worker process${n === 1 ? '' : 'es'} ready on ${up.map((r) => r.host).join(', ') || 'no host'}` +
        `${down.length > 0 ? `; could not start workers on ${down.join(', ')} (output above)` : ''}; Ctrl-C stops everything`,
    );
  });

  const why = await Promise.race([stopped, sched.ended.then((w) => `the scheduler's ssh session ended (${w})`)]);
  return shutdown(why, why.startsWith('SIG') || why === 'stdin closed' ? 0 : 1);
}
