/**
 * `SSHCluster` (the programmatic `tsdask ssh`) on three real sshd hosts, each with its own user
 * and home (test/distributed/sshd-hosts.ts, ownHomes): `Client.connect(await
 * SSHCluster.start([...]))`, the first host the scheduler and one worker per further entry;
 * `client.uploadFile` of a module that exists only in this process's home (the hosts see
 * their own homes at that path), so the workers can run it only from the upload; `scale`;
 * `client.shutdown()` ending every remote process; a refused key as a clear error.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, SSHCluster } from '../../src/index.js';
import { ownHomesMissing, type SshLab, startSshLab } from '../distributed/sshd-hosts.js';

const missing = ownHomesMissing();

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const everyProcessGone = (lab: SshLab) => lab.hosts.every((h) => lab.processesOf(h).length === 0);

if (missing !== undefined && process.env.CI !== 'true') {
  t.test('SSHCluster on three sshd hosts', { skip: `${missing} (with CI=true this fails instead)` }, async () => undefined);
} else {
  t.test('SSHCluster on three sshd hosts', async (t) => {
    if (missing !== undefined) throw new Error(`the SSHCluster test needs: ${missing}`);
    const lab = await startSshLab(['sched', 'w1', 'w2'], [], { ownHomes: true });
    t.teardown(() => lab.close());
    const [s, w1, w2] = lab.hosts;
    const sshOptions = { config: lab.sshConfig, identity: lab.identity, options: ['ConnectTimeout=20'] };

    t.test('a key the hosts refuse: a clear error, nothing left running', async (t) => {
      const other = join(lab.dir, 'not-authorized');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      await t.rejects(
        SSHCluster.start([s.entry, w1.entry], { sshOptions: { ...sshOptions, identity: other }, schedulerPort: 0, dashboardAddress: null }),
        /SSHCluster: could not start the scheduler on \S+ over ssh \(exit code 255\); it printed:[\s\S]*Permission denied \(publickey[\s\S]*The host refused the key: pass sshOptions\.identity/,
      );
      t.ok(everyProcessGone(lab), 'no session or process is left on any host');
    });

    t.test('Client.connect(await SSHCluster.start([...])), uploadFile, scale, shutdown', async (t) => {
      const cluster = await SSHCluster.start([s.entry, w1.entry, w1.entry, w2.entry], {
        sshOptions,
        nthreads: 1,
        schedulerPort: 0,
        dashboardAddress: ':0',
        deathTimeout: 30,
      });
      t.teardown(() => cluster.close());
      t.match(cluster.schedulerAddress, `tcp://${s.address}:`);
      t.match(String(cluster), /^SSHCluster\(tcp:\/\/\S+, workers=3 on 2 hosts, dashboard=http:\/\/\S+\/status\)$/);
      t.same(
        cluster.workers.map((w) => w.status),
        ['running', 'running', 'running'],
      );

      const client = await Client.connect(cluster);
      t.teardown(() => client.close());
      await client.waitForWorkers(3);
      const info = await client.schedulerInfo();
      const hostOf = (address: string) => lab.hosts.find((h) => address.includes(`//${h.address}:`))?.name;
      t.same(info.workerList.map((w) => hostOf(w.address)).sort(), ['w1', 'w1', 'w2'], 'two workers on w1 (named twice), one on w2');
      t.ok(
        lab.processesOf(s).some((pid) => /scheduler/.test(readCmdline(pid))),
        "the scheduler runs under the first host's sshd",
      );

      // A module only this process can see: on the hosts, this path is inside their own homes.
      const dir = join(lab.homePath!, 'mods');
      mkdirSync(dir);
      const mod = join(dir, 'where_mean.js');
      writeFileSync(
        mod,
        'exports.whereMean = function whereMean(xs) {\n' +
          "  return require('node:os').hostname() + ' ' + xs.reduce((a, b) => a + b, 0) / xs.length;\n" +
          '};\n',
      );
      for (const h of [w1, w2]) {
        const seen = execFileSync(
          'ssh',
          ['-F', lab.sshConfig, '-i', lab.identity, '-o', 'BatchMode=yes', h.entry, `test -e ${mod} && echo there || echo absent`],
          {
            encoding: 'utf8',
          },
        );
        t.equal(seen.trim(), 'absent', `${h.name} cannot see ${mod} before the upload`);
      }
      await client.uploadFile(mod);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path made at run time, loaded the way the worker loads it
      const { whereMean } = require(mod) as { whereMean: (xs: number[]) => string };
      const inputs = Array.from({ length: 24 }, (_, i) => [i, i + 1, i + 2, i + 7]);
      const out = await client.gather(client.map(whereMean, inputs));
      t.same(
        out.map((x) => Number(x.split(' ')[1])),
        inputs.map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length),
        'every worker ran the uploaded module',
      );
      if (lab.mode === 'netns') {
        const ran = new Set(out.map((x) => x.split(' ')[0]));
        t.ok(
          [...ran].every((h) => h === 'tsdask-w1' || h === 'tsdask-w2'),
          `on the worker hosts (${[...ran].join(', ')})`,
        );
      }
      const tsMod = join(dir, 'calc_sum.ts');
      writeFileSync(tsMod, 'export function calcSum(xs: number[]): number {\n  return xs.reduce((a: number, b: number) => a + b, 0);\n}\n');
      await client.uploadFile(tsMod);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path made at run time, loaded the way the worker loads it
      const { calcSum } = require(tsMod) as { calcSum: (xs: number[]) => number };
      t.same(
        await client.gather(client.map(calcSum, inputs)),
        inputs.map((xs) => xs.reduce((a, b) => a + b, 0)),
        'a TypeScript module too',
      );

      // Results held by the worker that leaves move to the others first (graceful retirement).
      const held = client.map((x: number) => x * 10, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      await client.gather(held);
      await cluster.scale(2);
      await until('two workers', async () => (await client.schedulerInfo()).workers === 2);
      t.same(await client.gather(held), [10, 20, 30, 40, 50, 60, 70, 80, 90], 'results held before scale(2) are all there after it');
      t.same(
        cluster.workers.map((w) => w.status),
        ['running', 'running', 'stopped'],
        'the newest worker stopped',
      );
      await cluster.scale(3);
      await client.waitForWorkers(3);
      t.equal(cluster.workers.filter((w) => w.status === 'running').length, 3, 'scale(3) starts one again');
      t.same(await client.gather(client.map(calcSum, [[1, 2]])), [3], 'the cluster computes after scaling');

      // adapt: from one worker, up while 40 tasks of 250 ms are queued, back down after.
      await cluster.scale(1);
      await until('one worker', async () => (await client.schedulerInfo()).workers === 1);
      const running = () => cluster.workers.filter((w) => w.status === 'running' || w.status === 'starting').length;
      const a = cluster.adapt({ minimum: 1, maximum: 3, interval: 300, waitCount: 3, targetDuration: 0.5 });
      const slow = (x: number): number => {
        const end = Date.now() + 250;
        while (Date.now() < end);
        return x + 1;
      };
      const inputs40 = Array.from({ length: 40 }, (_, i) => i);
      const busy = client.gather(client.map(slow, inputs40));
      let most = 1;
      const watch = setInterval(() => (most = Math.max(most, running())), 100);
      t.same(
        await busy,
        inputs40.map((x) => x + 1),
        'answers exact while adapt scales',
      );
      await until('adapt to shrink back to one worker', () => running() === 1, 60_000);
      clearInterval(watch);
      t.ok(most > 1, `adapt grew the cluster while work was queued (to ${most} workers)`);
      t.ok(a.history.some((d) => d.action === 'up') && a.history.some((d) => d.action === 'down'), 'one decision up and one down');
      a.stop();

      const address = cluster.schedulerAddress;
      await client.shutdown();
      await until('every remote process to end', () => everyProcessGone(lab));
      t.pass('client.shutdown() stopped the SSHCluster: no process left on any host');
      await t.rejects(Client.connect(address, { token: cluster.token, timeout: 5000, setAsDefault: false }), /connection refused/);
    });
  });
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
