/**
 * `tsdask ssh --hostfile hosts.txt`: a scheduler on the first host, workers on the others (on
 * every host when there is only one), each started over ssh. The token travels on the ssh
 * session's stdin, never on a command line; remote processes end when their ssh session does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { intOption, parseArgs, UsageError } from './cli-args.js';
import { generateToken } from './server.js';

const USAGE = `usage: tsdask ssh --hostfile hosts.txt [--nworkers 1] [--nthreads N] [--memory-limit auto]
                  [--scheduler-port 8786] [--dashboard-address :8787] [--ssh-identity KEY] [--ssh-port 22]
                  [--remote-command tsdask] [--remote-dir DIR] [--ssh ssh]`;

export interface Host {
  /** What ssh connects to (user@host or host). */
  target: string;
  /** The host name alone: how workers reach the scheduler. */
  host: string;
}

export function readHostfile(path: string): Host[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`tsdask ssh: cannot read hostfile ${path}: ${(e as Error).message}`);
  }
  const hosts = text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/)[0])
    .map((target) => ({ target, host: target.includes('@') ? target.slice(target.indexOf('@') + 1) : target }));
  if (hosts.length === 0) throw new UsageError(`tsdask ssh: hostfile ${path} lists no hosts (one host per line; the first runs the scheduler)`);
  return hosts;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The remote shell command: read the token from stdin, then run tsdask there. */
export function remoteCommand(remote: string, dir: string | undefined, args: string[]): string {
  const cd = dir === undefined ? '' : `cd ${quote(dir)} && `;
  return `${cd}IFS= read -r TSDASK_TOKEN && export TSDASK_TOKEN && exec ${remote} ${args.map(quote).join(' ')} --exit-on-stdin-close`;
}

export async function runSsh(argv: string[]): Promise<number> {
  const p = parseArgs(
    argv,
    {
      values: ['hostfile', 'nworkers', 'nthreads', 'memory-limit', 'scheduler-port', 'dashboard-address', 'ssh-identity', 'ssh-port', 'remote-command', 'remote-dir', 'ssh'],
      booleans: ['help'],
    },
    'ssh',
  );
  if (p.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const hostfile = p.values.get('hostfile') ?? p.positional[0];
  if (hostfile === undefined) throw new UsageError(`tsdask ssh: --hostfile is required\n${USAGE}`);
  const hosts = readHostfile(hostfile);
  const port = intOption(p, 'scheduler-port', 8786, 'ssh');
  const sshBin = p.values.get('ssh') ?? 'ssh';
  const remote = p.values.get('remote-command') ?? 'tsdask';
  const dir = p.values.get('remote-dir');
  const sshArgs = ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new'];
  if (p.values.has('ssh-identity')) sshArgs.push('-i', p.values.get('ssh-identity')!);
  if (p.values.has('ssh-port')) sshArgs.push('-p', p.values.get('ssh-port')!);
  const token = process.env.TSDASK_TOKEN || generateToken();
  const [schedHost, ...rest] = hosts;
  const workerHosts = rest.length > 0 ? rest : [schedHost];
  const children: ChildProcess[] = [];
  let stopping = false;

  const start = (h: Host, role: string, args: string[]): ChildProcess => {
    const child = spawn(sshBin, [...sshArgs, h.target, remoteCommand(remote, dir, args)], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.write(`${token}\n`);
    const prefix = `[${role} ${h.host}] `;
    const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) out.write(prefix + l + '\n');
      });
      stream.on('end', () => {
        if (buf) out.write(prefix + buf + '\n');
      });
    };
    relay(child.stdout!, process.stdout);
    relay(child.stderr!, process.stderr);
    child.on('exit', (code, signal) => {
      if (!stopping) console.error(`${prefix}ssh session ended (${signal ?? `code ${code}`})`);
    });
    children.push(child);
    return child;
  };

  const schedArgs = ['scheduler', '--host', '0.0.0.0', '--port', String(port)];
  if (p.values.has('dashboard-address')) schedArgs.push('--dashboard-address', p.values.get('dashboard-address')!);
  const sched = start(schedHost, 'scheduler', schedArgs);
  // Workers retry until their death timeout, so they may start before the scheduler listens.
  const schedulerAddress = `tcp://${schedHost.host}:${port}`;
  const workerArgs = ['worker', schedulerAddress];
  for (const f of ['nworkers', 'nthreads', 'memory-limit']) if (p.values.has(f)) workerArgs.push(`--${f}`, p.values.get(f)!);
  for (const h of workerHosts) start(h, 'worker', workerArgs);
  console.log(`tsdask ssh: scheduler on ${schedHost.host} (${schedulerAddress}), workers on ${workerHosts.map((h) => h.host).join(', ')}; Ctrl-C stops everything`);

  const why = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    sched.on('exit', () => resolve('the scheduler session ended'));
  });
  stopping = true;
  console.error(`tsdask ssh: stopping (${why})`);
  // Closing stdin ends each remote process (--exit-on-stdin-close); kill ssh if it lingers.
  for (const c of children) c.stdin?.end();
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((r) => {
          if (c.exitCode !== null || c.signalCode !== null) return r();
          const t = setTimeout(() => c.kill('SIGTERM'), 5000);
          c.on('exit', () => {
            clearTimeout(t);
            r();
          });
        }),
    ),
  );
  return why === 'the scheduler session ended' ? 1 : 0;
}
