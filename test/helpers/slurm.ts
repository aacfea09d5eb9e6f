/**
 * A private one-node SLURM for tests: munged, slurmctld and slurmd on loopback, with their
 * own config, key, state and logs in a temporary directory and ports of their own (so a
 * system SLURM, if any, is untouched). `process.env.SLURM_CONF` points the client commands
 * (sbatch, squeue, scancel) at it while it runs. Needs Debian's slurm-wlm and munge, and root
 * (the daemons run as root and so do the jobs).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Slurm {
  dir: string;
  conf: string;
  /** The partition (max time 30 minutes, 8 CPUs and 8000 MB on the one node). */
  partition: string;
  /** Cancel every job, stop the daemons, restore SLURM_CONF, delete the directory. */
  stop(): Promise<void>;
  /** The daemons' logs (for a failing test's comments). */
  logs(): string;
}

const PROGRAMS = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'];
const SBIN = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function which(p: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...SBIN]) if (dir && existsSync(join(dir, p))) return join(dir, p);
  return undefined;
}

/** Why this machine cannot run the test SLURM (undefined: it can). */
export function slurmMissing(): string | undefined {
  const absent = PROGRAMS.filter((p) => which(p) === undefined);
  if (absent.length > 0) return `needs Debian's slurm-wlm and munge (missing: ${absent.join(', ')}); apt-get install slurm-wlm munge`;
  if (process.getuid?.() !== 0) return 'the test SLURM runs its daemons (and jobs) as root: run the test as root';
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, cond: () => boolean, ms: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`test SLURM: ${what} did not happen within ${ms / 1000} s\n${logs()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startSlurm(): Promise<Slurm> {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-slurm-'));
  chmodSync(dir, 0o755);
  const munge = join(dir, 'munge');
  const sock = join(dir, 'munge-socket');
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(dir, d));
  mkdirSync(munge, { mode: 0o700 });
  mkdirSync(sock, { mode: 0o755 });
  execFileSync(which('mungekey')!, ['--create', `--keyfile=${join(munge, 'munge.key')}`]);
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  const partition = 'tsdasktest';
  writeFileSync(
    conf,
    [
      'ClusterName=tsdasktest',
      'SlurmctldHost=localhost(127.0.0.1)',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${join(sock, 'munge.socket')}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      // Container-friendly: no cgroups, no accounting daemon.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'SchedulerType=sched/backfill',
      'SchedulerParameters=sched_interval=1',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      // The node claims 8 CPUs whatever the machine has, so four 2-CPU jobs fit at once.
      'SlurmdParameters=config_overrides',
      // A job over the partition's limits is refused by sbatch, not left pending.
      'EnforcePartLimits=ALL',
      'MinJobAge=300',
      'KillWait=5',
      `NodeName=tsdask1 NodeAddr=127.0.0.1 NodeHostname=${hostname()} CPUs=8 RealMemory=8000 State=UNKNOWN`,
      `PartitionName=${partition} Nodes=tsdask1 Default=YES MaxTime=00:30:00 State=UP`,
      '',
    ].join('\n'),
  );
  const procs: ChildProcess[] = [];
  const logs = () =>
    ['munged.log', 'slurmctld.log', 'slurmd.log', 'daemons.out']
      .map((f) => join(dir, 'log', f))
      .filter((f) => existsSync(f))
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').trim().split('\n').slice(-15).join('\n')}`)
      .join('\n');
  const out = join(dir, 'log', 'daemons.out');
  const start = (prog: string, args: string[]) => {
    const fd = openSync(out, 'a');
    const p = spawn(which(prog)!, args, { stdio: ['ignore', fd, fd], env: { ...process.env, SLURM_CONF: conf } });
    procs.push(p);
    return p;
  };
  const previousConf = process.env.SLURM_CONF;
  const stop = async () => {
    try {
      const ids = execFileSync(which('squeue')!, ['--noheader', '--format=%i'], { env: { ...process.env, SLURM_CONF: conf } })
        .toString()
        .split('\n')
        .filter((s) => s.trim() !== '');
      if (ids.length > 0) execFileSync(which('scancel')!, ids, { env: { ...process.env, SLURM_CONF: conf } });
    } catch {
      // the controller may be gone already
    }
    for (const p of procs.reverse()) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    if (previousConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = previousConf;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    start('munged', [
      '--foreground',
      '--force',
      `--socket=${join(sock, 'munge.socket')}`,
      `--key-file=${join(munge, 'munge.key')}`,
      `--pid-file=${join(munge, 'munged.pid')}`,
      `--seed-file=${join(munge, 'munged.seed')}`,
      `--log-file=${join(dir, 'log', 'munged.log')}`,
    ]);
    await waitFor('munged creating its socket', () => existsSync(join(sock, 'munge.socket')), 10_000, logs);
    start('slurmctld', ['-D', '-i', '-f', conf]);
    start('slurmd', ['-D', '-f', conf, '-N', 'tsdask1']);
    process.env.SLURM_CONF = conf;
    await waitFor(
      'the node becoming idle',
      () => {
        try {
          return /idle/.test(execFileSync(which('sinfo')!, ['--noheader', '--format=%T'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
        } catch {
          return false;
        }
      },
      30_000,
      logs,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, conf, partition, stop, logs };
}
