/**
 * The SLURM client commands SLURMCluster runs (sbatch, squeue, scancel), with errors that say
 * what went wrong: the command missing from PATH, or SLURM's own message and the fix.
 */
import { execFile } from 'node:child_process';

export class SlurmError extends Error {
  override name = 'SlurmError';
}

interface Run {
  stdout: string;
  stderr: string;
}

/** Run `cmd args`; stdin is `input` when given. Rejects with a SlurmError naming the command. */
export function slurmCommand(cmd: string, args: readonly string[], input?: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err === null) {
        resolve({ stdout, stderr });
        return;
      }
      if (err.code === 'ENOENT') {
        reject(
          new SlurmError(
            `${cmd} not found on PATH: SLURMCluster needs SLURM's client commands (sbatch, squeue, scancel). ` +
              `Run it on a machine of the SLURM cluster (a login node), or install them (Debian: apt-get install slurm-client) with the cluster's slurm.conf.`,
          ),
        );
        return;
      }
      const message = stderr.trim() || stdout.trim() || err.message;
      reject(new SlurmError(`${cmd} ${args.join(' ')} failed: ${message}`));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** sbatch with the script on stdin; the job id (from --parsable). */
export async function sbatch(script: string): Promise<string> {
  try {
    const { stdout } = await slurmCommand('sbatch', ['--parsable'], script);
    const id = stdout.trim().split(';')[0];
    if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch printed no job id (got '${stdout.trim()}')`);
    return id;
  } catch (e) {
    if (!(e instanceof SlurmError) || /not found on PATH/.test(e.message)) throw e;
    throw new SlurmError(`${e.message.replace(/^sbatch --parsable failed: /, 'SLURM rejected the worker job: ')}\n${rejectionHint(e.message)}`);
  }
}

/** What to change when sbatch refuses a job, by SLURM's message. */
function rejectionHint(message: string): string {
  if (/invalid partition/i.test(message)) return 'Fix `queue`: `sinfo -s` lists the partitions.';
  if (/time limit/i.test(message)) return 'Fix `walltime`: it exceeds the partition\'s limit (`sinfo -o "%P %l"` shows the limits).';
  if (/node configuration is not available|memory|cpu/i.test(message))
    return 'Fix `cores` / `memory`: a job asks for more than one node of the partition has (`sinfo -o "%P %c %m"` shows CPUs and memory in MB).';
  if (/account/i.test(message)) return 'Fix `account`: `sacctmgr show assoc user=$USER` lists yours.';
  return 'Check `queue`, `walltime`, `account`, `cores`, `memory` and `jobExtra` against the partition (`scontrol show partition`).';
}

export interface JobStatus {
  id: string;
  /** PENDING, RUNNING, COMPLETING, COMPLETED, CANCELLED, FAILED, TIMEOUT, PREEMPTED, NODE_FAIL, ... */
  state: string;
  /** Why it is pending (or why it ended), as SLURM says. */
  reason: string;
  /** Seconds until its time limit (undefined: unlimited or not running). */
  secondsLeft: number | undefined;
}

/** The jobs' states, including those ended recently (squeue keeps them for MinJobAge). */
export async function squeue(ids: readonly string[]): Promise<Map<string, JobStatus>> {
  const out = new Map<string, JobStatus>();
  if (ids.length === 0) return out;
  const { stdout } = await slurmCommand('squeue', ['--noheader', '--states=all', `--jobs=${ids.join(',')}`, '--format=%i|%T|%r|%L']).catch((e: unknown) => {
    // squeue errs when it knows none of the ids any more (ended longer ago than MinJobAge).
    if (e instanceof SlurmError && /Invalid job id/i.test(e.message)) return { stdout: '' };
    throw e;
  });
  for (const line of stdout.split('\n')) {
    const [id, state, reason, left] = line.trim().split('|');
    if (id === undefined || state === undefined) continue;
    out.set(id, { id, state, reason: reason ?? '', secondsLeft: parseDuration(left ?? '') });
  }
  return out;
}

/** Jobs squeue lists by default (pending, running, completing), among `ids`. */
export async function liveJobs(ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { stdout } = await slurmCommand('squeue', ['--noheader', `--jobs=${ids.join(',')}`, '--format=%i']).catch((e: unknown) => {
    // squeue errs on job ids it no longer knows: then none of them is live.
    if (e instanceof SlurmError && /Invalid job id/i.test(e.message)) return { stdout: '' };
    throw e;
  });
  return stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export async function scancel(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await slurmCommand('scancel', [...ids]);
}

/** SLURM's [days-]hours:minutes:seconds (or minutes:seconds); undefined for UNLIMITED / NOT_SET / INVALID. */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(text.trim());
  if (m === null) return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min) * 60 + Number(s);
}
