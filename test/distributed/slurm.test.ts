/**
 * SLURMCluster against a real SLURM (munged, slurmctld and one slurmd on loopback, started by
 * test/helpers/slurm.ts): scale(4) starts four jobs, adapt grows the cluster while a 400-task
 * map is queued and shrinks it after, answers are exact (computed here in plain code), a job
 * killed from outside is reported and replaced, workers near their walltime retire and a new
 * job takes over, close() leaves no job in squeue; `srun tsdask worker --scheduler-file F`
 * inside an allocation waits for `tsdask scheduler --scheduler-file F`; and the errors for a
 * missing sbatch and a job the partition refuses. Needs Debian's slurm-wlm and munge (and
 * root); jobs run the built CLI (npm run build).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Client, SLURMCluster } from '../../src/index.js';
import { slurmMissing, startSlurm, type Slurm } from '../helpers/slurm.js';
import { startCli, stop } from './procs.js';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tsdask.js');
const slowSquare = (x: number): Promise<number> => new Promise((r) => setTimeout(() => r(x * x), 100));
const inc = (x: number): number => x + 1;

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Our jobs that squeue still lists (pending, running or completing). */
function inSqueue(ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  const out = execFileSync('squeue', ['--noheader', `--jobs=${ids.join(',')}`, '--format=%i'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  return out.split('\n').filter((s) => s.trim() !== '');
}

t.test('a missing sbatch is named, with what to do', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-nosbatch-'));
  const cluster = await SLURMCluster.start({ cores: 1, memory: '100MB', host: '127.0.0.1', logDirectory: dir });
  t.teardown(async () => {
    await cluster.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await t.rejects(cluster.scale(1), /sbatch not found on PATH: SLURMCluster needs SLURM's client commands.*slurm-client/s);
  } finally {
    process.env.PATH = path;
  }
});

const missing = slurmMissing();
if (missing !== undefined && process.env.CI !== 'true') {
  t.test('SLURMCluster on a real SLURM', { skip: `${missing} (with CI=true this fails instead)` }, async () => undefined);
} else {
  t.test('SLURMCluster on a real SLURM', async (t) => {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) t.fail('jobs run the built CLI: npm run build first');
    const slurm: Slurm = await startSlurm();
    t.teardown(() => slurm.stop());
    const base = { memory: '1GiB', queue: slurm.partition, host: '127.0.0.1', pollInterval: 0.5 };

    t.test('a job the partition refuses: SLURM says why, and what to fix', async (t) => {
      const cluster = await SLURMCluster.start({ ...base, cores: 1, walltime: '01:00:00', logDirectory: join(slurm.dir, 'refused') });
      t.teardown(() => cluster.close());
      await t.rejects(cluster.scale(1), /SLURM rejected the worker job: .*time limit.*\nFix `walltime`/s);
      const other = await SLURMCluster.start({ ...base, cores: 1, queue: 'nosuchpartition', logDirectory: join(slurm.dir, 'refused2') });
      t.teardown(() => other.close());
      await t.rejects(other.scale(1), /SLURM rejected the worker job: .*[Ii]nvalid partition.*\nFix `queue`/s);
    });

    t.test('scale, adapt, a lost job replaced, close', async (t) => {
      const cluster = await SLURMCluster.start({ ...base, cores: 2, processes: 1, walltime: '00:10:00', logDirectory: join(slurm.dir, 'jobs') });
      let closed = false;
      t.teardown(() => (closed ? undefined : cluster.close()));
      const script = cluster.jobScript();
      t.match(script, /^#!\/usr\/bin\/env bash\n/);
      t.match(script, `#SBATCH -p ${slurm.partition}`);
      t.match(script, '#SBATCH --cpus-per-task=2');
      t.match(script, '#SBATCH --mem=1024M');
      t.match(script, '#SBATCH -t 00:10:00');
      t.match(script, `worker ${cluster.schedulerAddress} --nworkers 1 --nthreads 2 --memory-limit ${2 ** 30}`);
      t.match(script, /--token-file \S+token/, 'the token travels in a file, not on the command line');
      t.notMatch(script, cluster.token!, 'the token itself is not in the script');

      const client = await Client.connect(cluster);
      t.teardown(() => client.close());

      await cluster.scale(4);
      t.equal(cluster.submitted.length, 4, 'scale(4) with one worker per job submits four jobs');
      t.same(inSqueue(cluster.submitted).sort(), [...cluster.submitted].sort(), 'squeue lists all four');
      await client.waitForWorkers(4, 60_000);
      const xs = Array.from({ length: 40 }, (_, i) => i);
      t.same(
        await client.gather(client.map(inc, xs)),
        xs.map((x) => x + 1),
        'exact answers on four jobs',
      );

      // A job cancelled behind the cluster's back is reported and replaced.
      const victim = cluster.jobIds('running')[0] ?? cluster.jobIds()[0];
      execFileSync('scancel', [victim]);
      await until('the lost job is reported', () => cluster.events.some((e) => e.job === victim && /ended: CANCELLED.*a new job replaces it/.test(e.text)));
      await until('a replacement job is submitted', () => cluster.submitted.length === 5);
      await client.waitForWorkers(4, 60_000);

      await cluster.scale(1);
      t.equal(cluster.requested(), 1, 'scale(1): one job left');
      await until('three workers retired', () => cluster.scheduler.state.workers.size === 1);

      // adapt: grows while the map is queued, back to the minimum after.
      const adaptive = cluster.adapt({ minimum: 1, maximum: 4, interval: 500, waitCount: 2, targetDuration: 0.5 });
      let most = 0;
      const sampler = setInterval(() => (most = Math.max(most, cluster.scheduler.state.workers.size)), 100);
      t.teardown(() => clearInterval(sampler));
      const ys = Array.from({ length: 400 }, (_, i) => i);
      const squares = await client.gather(client.map(slowSquare, ys));
      t.same(
        squares,
        ys.map((y) => y * y),
        'the 400-task map is exact',
      );
      t.ok(most > 1, `adapt grew the cluster while the map was queued (at most ${most} workers)`);
      t.ok(
        adaptive.history.some((d) => d.action === 'up'),
        'adapt decided to scale up',
      );
      await until('adapt shrinks back to the minimum', () => cluster.requested() === 1 && cluster.scheduler.state.workers.size === 1);
      t.ok(
        adaptive.history.some((d) => d.action === 'down'),
        'adapt decided to scale down',
      );
      const ups = adaptive.history.filter((d) => d.action === 'up').length;
      const downs = adaptive.history.filter((d) => d.action === 'down').length;
      t.ok(ups <= 3 && downs <= 3, `no flapping: ${ups} scale-up and ${downs} scale-down decisions`);

      const all = cluster.submitted;
      await cluster.close();
      closed = true;
      t.same(inSqueue(all), [], 'close() leaves no job in squeue');
    });

    t.test('workers near their walltime retire gracefully and a new job takes over', async (t) => {
      // A one-minute walltime with a 57 s margin: the first job's workers retire about 3 s in.
      const cluster = await SLURMCluster.start({ ...base, cores: 1, walltime: '00:01:00', walltimeMargin: 57, logDirectory: join(slurm.dir, 'walltime') });
      t.teardown(() => cluster.close());
      const client = await Client.connect(cluster);
      t.teardown(() => client.close());
      await cluster.scale(1);
      const first = cluster.submitted[0];
      await client.waitForWorkers(1, 60_000);
      const held = client.map(inc, [1, 2, 3]);
      t.same(await client.gather(held), [2, 3, 4]);
      await until('the job near its walltime is retired', () => cluster.events.some((e) => e.job === first && /walltime/.test(e.text)));
      await until('a new job replaced it', () => cluster.submitted.length >= 2 && cluster.scheduler.state.workers.size >= 1);
      t.same(await client.gather(held), [2, 3, 4], 'results held by the retired workers are still there');
      t.notOk(
        cluster.events.some((e) => e.job === first && /ended:/.test(e.text)),
        'the job did not die: its workers left before the walltime',
      );
    });

    t.test('srun tsdask worker --scheduler-file waits for tsdask scheduler --scheduler-file', async (t) => {
      const file = join(slurm.dir, 'scheduler.json');
      // The worker starts first, inside an allocation, and waits for the file.
      const srun = spawn(
        'srun',
        ['-n', '1', '-c', '1', '--mem=500M', '-t', '00:05:00', process.execPath, BIN, 'worker', '--scheduler-file', file, '--nthreads', '1'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      srun.stdout.on('data', (d: Buffer) => (out += d.toString()));
      srun.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const srunExit = new Promise((r) => srun.once('exit', r));
      t.teardown(async () => {
        srun.kill('SIGTERM');
        await srunExit;
      });
      await until('the worker waits for the scheduler file', () => /waiting for the scheduler file/.test(out));
      const sched = startCli(['scheduler', '--host', '127.0.0.1', '--port', '0', '--no-dashboard', '--scheduler-file', file]);
      t.teardown(() => stop(sched));
      const [, address] = await sched.waitFor(/tsdask scheduler at (\S+)/, 30_000);
      const client = await Client.connect(address);
      t.teardown(() => client.close());
      await client.waitForWorkers(1, 60_000);
      t.same(await client.gather(client.map(inc, [10, 20])), [11, 21], 'a worker started by srun computes');
    });
  });
}
