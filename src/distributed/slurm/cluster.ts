/**
 * `SLURMCluster`: a scheduler in this process and workers in SLURM batch jobs (like
 * dask-jobqueue). Each job runs `processes` worker processes; `scale(n)` and `adapt()` work in
 * whole jobs, and shrinking retires a job's workers gracefully (their results move first)
 * before the job is cancelled. A watcher follows the jobs with squeue: a job that ends by
 * itself (failed, preempted, node failure, time limit) is reported, with the end of its error
 * log, and replaced; a job SLURM will never start is reported and cancelled; workers near
 * their job's walltime retire and a fresh job takes their place.
 *
 *   const cluster = await SLURMCluster.start({ cores: 8, processes: 2, memory: '16GB', queue: 'batch', walltime: '01:00:00' });
 *   const client = await Client.connect(cluster);
 *   await cluster.scale(4);   // two jobs
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Adaptive, type AdaptOptions } from '../adaptive.js';
import { errorMessage } from '../errors.js';
import { retireOrder } from '../scheduler/adaptive-target.js';
import { SchedulerServer } from '../scheduler/server.js';
import { generateToken } from '../server.js';
import { sshClusterRemoteCommand } from '../ssh-cluster.js';
import { type JobStatus, liveJobs, sbatch, scancel, SlurmError, squeue } from './commands.js';
import { jobLayout, type JobLayout, jobScript, type SLURMClusterOptions } from './job-script.js';

export type { SLURMClusterOptions } from './job-script.js';
export { SlurmError } from './commands.js';

/** Job states after which a job runs no more. */
const ENDED = new Set([
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'PREEMPTED',
  'NODE_FAIL',
  'BOOT_FAIL',
  'OUT_OF_MEMORY',
  'DEADLINE',
  'SPECIAL_EXIT',
  'REVOKED',
]);
/** Pending reasons SLURM gives for a job it will never start as submitted. */
const HOPELESS =
  /PartitionConfig|PartitionTimeLimit|PartitionNodeLimit|BadConstraints|ReqNodeNotAvail.*(DOWN|DRAINED)|InvalidAccount|InvalidQOS|AssocMaxWallDurationPerJobLimit|QOSMaxWallDurationPerJobLimit|AccountNotAllowed|PartitionDown/;
/** Jobs that ended by themselves in a row (without a worker joining in between) before replacing stops. */
const MAX_FAILURES = 5;

interface Job {
  id: string;
  /** 'pending' until squeue says RUNNING; 'retiring' while its workers leave; 'ended' once it runs no more. */
  phase: 'pending' | 'running' | 'retiring' | 'ended';
  /** A worker of this job joined the scheduler. */
  joined: boolean;
}

export interface SlurmEvent {
  at: number;
  job: string;
  /** What happened, for people. */
  text: string;
}

export class SLURMCluster {
  private readonly jobs = new Map<string, Job>();
  /** What happened to the jobs (failures, preemption, walltime), oldest first. */
  readonly events: SlurmEvent[] = [];
  private adaptive: Adaptive | undefined;
  private watcher: NodeJS.Timeout | undefined;
  private watching = false;
  private closed: Promise<void> | undefined;
  /** Workers wanted (scale / adapt): the watcher replaces ended jobs up to this. */
  private target = 0;
  private failuresInARow = 0;
  private scaling: Promise<void> = Promise.resolve();
  private readonly layout: JobLayout;
  private readonly logDirectory: string;
  private readonly tokenFile: string | undefined;

  private constructor(
    readonly scheduler: SchedulerServer,
    private readonly opts: SLURMClusterOptions,
    layout: JobLayout,
    logDirectory: string,
    tokenFile: string | undefined,
  ) {
    this.layout = layout;
    this.logDirectory = logDirectory;
    this.tokenFile = tokenFile;
  }

  static async start(opts: SLURMClusterOptions): Promise<SLURMCluster> {
    const layout = jobLayout(opts);
    const host = opts.host ?? '0.0.0.0';
    const token = generateToken();
    const scheduler = await SchedulerServer.start({
      host,
      port: opts.port ?? 0,
      token,
      dashboardAddress: opts.dashboardAddress ?? null,
      log: opts.verbose ? (line) => console.error(`[tsdask slurm] ${line}`) : undefined,
    });
    try {
      const dir = resolve(opts.logDirectory ?? join(process.cwd(), `tsdask-slurm-${scheduler.listenAddress.port}`));
      mkdirSync(dir, { recursive: true });
      let tokenFile: string | undefined;
      if (scheduler.token !== undefined) {
        // Jobs read the token from a file only this user can read, never from their command line.
        tokenFile = join(dir, 'token');
        writeFileSync(tokenFile, `${scheduler.token}\n`, { mode: 0o600 });
      }
      const cluster = new SLURMCluster(scheduler, opts, layout, dir, tokenFile);
      cluster.watcher = setInterval(() => void cluster.watch(), (opts.pollInterval ?? 2) * 1000);
      cluster.watcher.unref();
      return cluster;
    } catch (e) {
      await scheduler.close();
      throw e;
    }
  }

  get schedulerAddress(): string {
    return this.scheduler.contactAddress;
  }

  get token(): string | undefined {
    return this.scheduler.token;
  }

  get dashboardLink(): string | undefined {
    return this.scheduler.dashboardLink;
  }

  /** Worker processes per job. */
  get processes(): number {
    return this.layout.processes;
  }

  get threadsPerWorker(): number {
    return this.layout.threads;
  }

  /** adapt() works in whole jobs. */
  get granularity(): number {
    return this.layout.processes;
  }

  /** The sbatch script each job runs. */
  jobScript(): string {
    return jobScript(this.opts, this.layout, {
      scheduler: this.schedulerAddress,
      tokenFile: this.tokenFile,
      logDirectory: this.logDirectory,
      workerCommand: this.opts.workerCommand ?? sshClusterRemoteCommand(),
    });
  }

  /** Ids of the jobs submitted and not ended, by phase. */
  jobIds(phase?: Job['phase']): string[] {
    return [...this.jobs.values()].filter((j) => (phase === undefined ? j.phase !== 'ended' : j.phase === phase)).map((j) => j.id);
  }

  /** Every job id this cluster submitted, ended or not. */
  get submitted(): string[] {
    return [...this.jobs.keys()];
  }

  /** Workers asked for: those of jobs pending or running (not retiring). */
  requested(): number {
    let n = 0;
    for (const j of this.jobs.values()) if (j.phase === 'pending' || j.phase === 'running') n += this.layout.processes;
    return n;
  }

  /**
   * `n` workers, in whole jobs (rounded up): submits jobs, or retires the workers of the jobs
   * that cost least to stop (pending ones first) and cancels them. Resolves once the jobs are
   * submitted or the retired workers have left (new workers join as SLURM starts their jobs:
   * `client.waitForWorkers(n)` waits for them).
   */
  scale(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`SLURMCluster.scale: n must be a non-negative integer (workers), got ${n}`);
    const run = this.scaling.then(() => this.scaleTo(n));
    this.scaling = run.catch(() => undefined);
    return run;
  }

  private async scaleTo(n: number): Promise<void> {
    if (this.closed !== undefined) return;
    this.target = n;
    const want = Math.ceil(n / this.layout.processes);
    const active = [...this.jobs.values()].filter((j) => j.phase === 'pending' || j.phase === 'running');
    if (want > active.length) {
      for (let i = active.length; i < want; i++) await this.submit();
      return;
    }
    if (want < active.length) await this.stopJobs(this.cheapest(active, active.length - want), `scaled to ${n} worker(s)`);
  }

  /** Grow and shrink with the queued work, in whole jobs, retiring workers gracefully. */
  adapt(opts: AdaptOptions = {}): Adaptive {
    this.adaptive?.stop();
    this.adaptive = new Adaptive(this.scheduler.state, this, opts, (line) => this.note('', line, false)).start();
    return this.adaptive;
  }

  private async submit(): Promise<string> {
    const id = await sbatch(this.jobScript());
    this.jobs.set(id, { id, phase: 'pending', joined: false });
    this.note(id, `submitted job ${id}`, false);
    return id;
  }

  /** The jobs to stop first: pending ones, then those whose workers hold least. */
  private cheapest(jobs: readonly Job[], count: number): Job[] {
    const rank = new Map<string, number>();
    retireOrder(this.scheduler.state.workers.values()).forEach((w, i) => {
      const id = jobOf(w.name);
      if (id !== undefined) rank.set(id, Math.max(rank.get(id) ?? 0, i + 1));
    });
    const order = [...jobs].sort(
      (a, b) => (a.phase === 'pending' ? -1 : 0) - (b.phase === 'pending' ? -1 : 0) || (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0),
    );
    return order.slice(0, count);
  }

  /** Retire the jobs' workers gracefully, then cancel the jobs. */
  private async stopJobs(jobs: readonly Job[], reason: string): Promise<void> {
    for (const j of jobs) j.phase = 'retiring';
    const ids = new Set(jobs.map((j) => j.id));
    const names = [...this.scheduler.state.workers.values()].filter((w) => ids.has(jobOf(w.name) ?? '')).map((w) => w.address);
    if (names.length > 0) await this.scheduler.retireWorkers(names, { reason });
    await scancel([...ids]).catch((e: unknown) => this.note('', `scancel ${[...ids].join(' ')}: ${errorMessage(e)}`, true));
    for (const j of jobs) j.phase = 'ended';
    this.note([...ids].join(','), `stopped job(s) ${[...ids].join(', ')}: ${reason}`, false);
  }

  /** Follow the jobs: note starts and ends, replace jobs that ended by themselves, retire before the walltime. */
  private async watch(): Promise<void> {
    if (this.watching || this.closed !== undefined) return;
    this.watching = true;
    try {
      for (const w of this.scheduler.state.workers.values()) {
        const j = this.jobs.get(jobOf(w.name) ?? '');
        if (j !== undefined && !j.joined) {
          j.joined = true;
          this.failuresInARow = 0;
        }
      }
      const watched = [...this.jobs.values()].filter((j) => j.phase === 'pending' || j.phase === 'running');
      if (watched.length === 0) return;
      const states = await squeue(watched.map((j) => j.id));
      let lost = 0;
      for (const j of watched) {
        const s = states.get(j.id);
        if (s === undefined || ENDED.has(s.state)) {
          j.phase = 'ended';
          this.failuresInARow++;
          lost++;
          this.note(j.id, this.endedText(j, s), true);
          continue;
        }
        if (s.state === 'RUNNING' && j.phase === 'pending') j.phase = 'running';
        if (j.phase === 'pending' && HOPELESS.test(s.reason)) {
          this.note(
            j.id,
            `job ${j.id} will not start: SLURM says '${s.reason}'; it is cancelled (check queue, walltime, cores and memory against the partition)`,
            true,
          );
          j.phase = 'ended';
          await scancel([j.id]).catch(() => undefined);
          continue;
        }
        // Only once its workers joined: retiring a job whose workers are still starting would kill them.
        if (j.phase === 'running' && j.joined && this.nearWalltime(s)) {
          this.note(j.id, `job ${j.id} has ${s.secondsLeft} s left of its walltime: its workers retire and a new job replaces it`, false);
          void this.stopJobs([j], `job ${j.id} is near its walltime`).then(() => this.refill());
        }
      }
      if (lost > 0) await this.refill();
    } catch (e) {
      this.note('', `watching the jobs failed: ${errorMessage(e)}`, true);
    } finally {
      this.watching = false;
    }
  }

  private nearWalltime(s: JobStatus): boolean {
    if (s.secondsLeft === undefined || this.opts.walltime === undefined) return false;
    const total = parseWalltime(this.opts.walltime);
    const margin = this.opts.walltimeMargin ?? Math.min(60, total / 5);
    return s.secondsLeft <= margin;
  }

  /** Submit jobs until the target is met again (unless jobs keep failing). */
  private async refill(): Promise<void> {
    if (this.closed !== undefined) return;
    if (this.failuresInARow >= MAX_FAILURES) {
      this.note(
        '',
        `${this.failuresInARow} jobs in a row ended before any of their workers joined: not replacing them (see the job logs in ${this.logDirectory})`,
        true,
      );
      return;
    }
    const want = Math.ceil(this.target / this.layout.processes);
    const active = this.jobIds('pending').length + this.jobIds('running').length;
    for (let i = active; i < want; i++) {
      try {
        const id = await this.submit();
        this.note(id, `job ${id} replaces a job that ended`, false);
      } catch (e) {
        this.note('', `cannot submit a replacement job: ${errorMessage(e)}`, true);
        return;
      }
    }
  }

  private endedText(j: Job, s: JobStatus | undefined): string {
    const how = s === undefined ? 'is no longer known to squeue' : `ended: ${s.state}${s.reason && s.reason !== 'None' ? ` (${s.reason})` : ''}`;
    const what =
      s?.state === 'PREEMPTED'
        ? 'preempted by SLURM'
        : s?.state === 'TIMEOUT'
          ? 'reached its walltime'
          : j.joined
            ? 'its workers were lost'
            : 'its workers never joined the scheduler';
    const log = join(this.logDirectory, `${this.opts.jobName ?? 'tsdask-worker'}-${j.id}.err`);
    const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n  ') : '';
    return `job ${j.id} ${how}: ${what}; a new job replaces it${tail ? `. Its error log ${log} ends:\n  ${tail}` : ''}`;
  }

  private note(job: string, text: string, problem: boolean): void {
    this.events.push({ at: Date.now(), job, text });
    if (this.events.length > 500) this.events.shift();
    if (problem || this.opts.verbose) console.error(`[tsdask slurm] ${text}`);
  }

  /** Stop adapting, stop the scheduler (workers close), cancel every job submitted, and wait until squeue lists none. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.adaptive?.stop();
      if (this.watcher !== undefined) clearInterval(this.watcher);
      await this.scaling;
      await this.scheduler.close();
      const ids = [...this.jobs.keys()];
      const errors: string[] = [];
      await scancel(ids).catch((e: unknown) => errors.push(errorMessage(e)));
      const deadline = Date.now() + 60_000;
      for (;;) {
        const live: string[] = await liveJobs(ids).catch((e: unknown) => {
          errors.push(errorMessage(e));
          return [];
        });
        for (const j of this.jobs.values()) if (!live.includes(j.id)) j.phase = 'ended';
        if (live.length === 0) break;
        if (Date.now() > deadline) throw new SlurmError(`SLURMCluster.close: jobs ${live.join(', ')} are still in squeue a minute after scancel`);
        await new Promise((r) => setTimeout(r, 250));
      }
      if (errors.length > 0) this.note('', `while closing: ${errors.join('; ')}`, true);
    })();
    return this.closed;
  }

  toString(): string {
    const running = this.jobIds('running').length;
    const pending = this.jobIds('pending').length;
    return `SLURMCluster(${this.schedulerAddress}, jobs=${running} running + ${pending} pending, workers=${this.scheduler.state.workers.size}, ${this.layout.processes} per job)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The job id in a worker's name (`tsdask-<job>` or `tsdask-<job>-<i>`, set by the job script). */
function jobOf(name: string): string | undefined {
  return /^tsdask-(\d+)(?:-\d+)?$/.exec(name)?.[1];
}

/** Seconds in a walltime: SLURM reads 'mm', 'mm:ss', 'hh:mm:ss', and with days 'd-hh', 'd-hh:mm', 'd-hh:mm:ss'. */
function parseWalltime(text: string): number {
  const dash = text.indexOf('-');
  const parts = text
    .slice(dash + 1)
    .split(':')
    .map(Number);
  if (dash >= 0) {
    const [h, m = 0, s = 0] = parts;
    return Number(text.slice(0, dash)) * 86400 + h * 3600 + m * 60 + s;
  }
  const [h, m, s] = parts.length === 3 ? parts : parts.length === 2 ? [0, parts[0], parts[1]] : [0, parts[0], 0];
  return h * 3600 + m * 60 + s;
}
