/**
 * The sbatch script of one SLURMCluster job: `processes` worker processes sharing `cores` and
 * `memory`, under one `tsdask worker` that connects back to this scheduler.
 */
import { formatBytes, parseBytes } from '../sizeof.js';

export interface SLURMClusterOptions {
  /** CPUs per job (`--cpus-per-task`); shared by its worker processes. */
  cores: number;
  /** Worker processes per job (default 1); each gets cores / processes threads. */
  processes?: number;
  /** Memory per job, e.g. '24GB' (`--mem`); each worker process gets memory / processes as its limit. */
  memory: string | number;
  /** Partition (`-p`). */
  queue?: string;
  /** Time limit per job, '[days-]hh:mm:ss' (`-t`); workers retire gracefully before it. */
  walltime?: string;
  /** Account to charge (`-A`). */
  account?: string;
  /** More sbatch options, one per entry, e.g. ['--qos=debug', '--constraint=ib']. */
  jobExtra?: string[];
  /** Shell lines run before the worker starts (module load, environment). */
  jobPrologue?: string[];
  /** Job name (`-J`, default 'tsdask-worker'). */
  jobName?: string;
  /** Directory for job output and the token file (default: ./tsdask-slurm-<scheduler port> under the current directory, which nodes usually share). */
  logDirectory?: string;
  /** How nodes start tsdask, as a shell command prefix (default: this node and this tsdask, at the same paths). */
  workerCommand?: string;
  /** Scheduler interface (default 0.0.0.0: reachable from the nodes) and port (default: a free one). */
  host?: string;
  port?: number;
  /** Dashboard: ':8787', ':0' or null (default null). */
  dashboardAddress?: string | null;
  /** Workers retire this many seconds before their job's walltime (default: 60, at most a fifth of the walltime). */
  walltimeMargin?: number;
  /** Seconds a worker keeps trying to reach the scheduler (default 60). */
  deathTimeout?: number;
  /** Seconds between looks at the jobs' states (default 2). */
  pollInterval?: number;
  /** Print what happens to the jobs (default: only problems). */
  verbose?: boolean;
}

export interface JobLayout {
  cores: number;
  processes: number;
  threads: number;
  memoryBytes: number;
  /** Per worker process. */
  memoryLimit: number;
}

export function jobLayout(o: SLURMClusterOptions): JobLayout {
  const cores = o.cores;
  if (!Number.isInteger(cores) || cores < 1) throw new TypeError(`SLURMCluster: cores must be a positive integer (CPUs per job), got ${String(cores)}`);
  const processes = o.processes ?? 1;
  if (!Number.isInteger(processes) || processes < 1 || processes > cores)
    throw new TypeError(`SLURMCluster: processes must be an integer from 1 to cores (${cores}), got ${String(o.processes)}`);
  let memoryBytes: number;
  try {
    memoryBytes = parseBytes(o.memory, 1);
  } catch (e) {
    throw new TypeError(`SLURMCluster: memory '${String(o.memory)}' is not a size like '24GB': ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!(memoryBytes > 0)) throw new TypeError(`SLURMCluster: memory must be a size per job like '24GB', got ${String(o.memory)}`);
  if (o.walltime !== undefined && !/^(\d+-)?\d{1,2}(:\d{2}){0,2}$/.test(o.walltime))
    throw new TypeError(`SLURMCluster: walltime '${o.walltime}' is not SLURM's [days-]hours:minutes:seconds, e.g. '01:30:00'`);
  return { cores, processes, threads: Math.max(1, Math.floor(cores / processes)), memoryBytes, memoryLimit: Math.floor(memoryBytes / processes) };
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export interface ScriptInputs {
  scheduler: string;
  tokenFile: string | undefined;
  logDirectory: string;
  workerCommand: string;
}

/** The script: #SBATCH lines, the prologue, then `tsdask worker` (named after the job, so the cluster knows whose workers they are). */
export function jobScript(o: SLURMClusterOptions, layout: JobLayout, inputs: ScriptInputs): string {
  const name = o.jobName ?? 'tsdask-worker';
  const mb = Math.ceil(layout.memoryBytes / 2 ** 20);
  const lines = [
    '#!/usr/bin/env bash',
    `#SBATCH -J ${quote(name)}`,
    `#SBATCH -o ${quote(`${inputs.logDirectory}/%x-%j.out`)}`,
    `#SBATCH -e ${quote(`${inputs.logDirectory}/%x-%j.err`)}`,
  ];
  if (o.queue !== undefined) lines.push(`#SBATCH -p ${quote(o.queue)}`);
  if (o.account !== undefined) lines.push(`#SBATCH -A ${quote(o.account)}`);
  lines.push('#SBATCH -n 1', `#SBATCH --cpus-per-task=${layout.cores}`, `#SBATCH --mem=${mb}M`);
  if (o.walltime !== undefined) lines.push(`#SBATCH -t ${o.walltime}`);
  for (const extra of o.jobExtra ?? []) lines.push(`#SBATCH ${extra}`);
  lines.push('', ...(o.jobPrologue ?? []));
  const args = [
    'worker',
    inputs.scheduler,
    '--nworkers',
    String(layout.processes),
    '--nthreads',
    String(layout.threads),
    '--memory-limit',
    String(layout.memoryLimit),
    '--death-timeout',
    String(o.deathTimeout ?? 60),
  ];
  if (inputs.tokenFile !== undefined) args.push('--token-file', inputs.tokenFile);
  lines.push(
    `# ${layout.processes} worker process(es) x ${layout.threads} thread(s), ${formatBytes(layout.memoryLimit)} each`,
    `exec ${inputs.workerCommand} ${args.map(quote).join(' ')} --name "tsdask-$SLURM_JOB_ID"`,
    '',
  );
  return lines.join('\n');
}
