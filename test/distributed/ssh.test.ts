/**
 * `tsdask ssh --hostfile` against real OpenSSH daemons (Debian's openssh-server): three sshd
 * hosts, each in its own network namespace with its own address and hostname when this
 * process may make namespaces (else on 127.0.0.x). The CLI logs in with a generated key,
 * checks the generated host keys, starts the scheduler on the first host and a worker on each
 * of the others; a Client computes on them; Ctrl-C ends every remote process through its ssh
 * session, which the test checks before its teardown kills anything.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAddress } from '../../src/distributed/address.js';
import { parseHost, readHostfile, remoteCommand, sshArgs } from '../../src/distributed/ssh.js';
import { Client, compute, delayed } from '../../src/index.js';
import { startCli, stop } from './procs.js';
import { type SshHost, type SshLab, sshdMissing, startSshLab } from './sshd-hosts.js';

t.test('hostfile entries, ssh arguments, remote command', async (t) => {
  t.same(parseHost('ubuntu@10.0.0.5', 'f:1'), { target: 'ubuntu@10.0.0.5', host: '10.0.0.5' });
  t.same(parseHost('10.0.0.6:2222', 'f:2'), { target: '10.0.0.6', host: '10.0.0.6', port: 2222 });
  t.same(parseHost('me@[fd00::7]:22', 'f:3'), { target: 'me@fd00::7', host: 'fd00::7', port: 22 });
  t.same(parseHost('fd00::8', 'f:4'), { target: 'fd00::8', host: 'fd00::8' });
  t.throws(
    () => parseHost('node:ssh', 'hosts.txt:3'),
    /hosts\.txt:3: cannot read 'node:ssh': port 'ssh' is not a number from 1 to 65535 \(write \[user@\]host\[:port\]/,
  );
  t.throws(() => parseHost('@node', 'hosts.txt:1'), /the user before @ is empty/);

  const hf = join(t.testdir(), 'hosts.txt');
  writeFileSync(hf, '# cluster\nubuntu@10.0.0.5   # scheduler\n\n10.0.0.6:2222\n');
  t.same(readHostfile(hf), [
    { target: 'ubuntu@10.0.0.5', host: '10.0.0.5' },
    { target: '10.0.0.6', host: '10.0.0.6', port: 2222 },
  ]);
  writeFileSync(hf, '# nothing\n');
  t.throws(() => readHostfile(hf), /lists no hosts/);

  const h = { target: 'ubuntu@10.0.0.6', host: '10.0.0.6', port: 2222 };
  t.same(
    sshArgs(h, 'CMD', { options: ['BatchMode=no'], identity: 'k', defaultPort: 22 }),
    ['-o', 'BatchMode=no', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-i', 'k', '-p', '2222', '-T', 'ubuntu@10.0.0.6', 'CMD'],
    "the user's -o come first (ssh keeps the first value)",
  );
  t.same(
    sshArgs({ target: 'a', host: 'a' }, 'CMD', { config: 'cfg' }),
    ['-F', 'cfg', '-o', 'BatchMode=yes', '-T', 'a', 'CMD'],
    'with a config file, host key policy is the file’s',
  );

  const cmd = remoteCommand('npx tsdask', '/srv/my app', ['worker', 'tcp://h:8786', '--name', "it's"]);
  t.equal(
    cmd,
    `cd '/srv/my app' && IFS= read -r TSDASK_TOKEN && export TSDASK_TOKEN && exec npx tsdask worker tcp://h:8786 --name 'it'\\''s' --exit-on-stdin-close`,
  );
});

const missing = sshdMissing();
if (missing !== undefined && process.env.CI !== 'true') {
  t.test('tsdask ssh against real sshd hosts', { skip: `${missing} (with CI=true this fails instead)` }, async () => undefined);
} else {
  t.test('tsdask ssh against real sshd hosts', async (t) => {
    if (missing !== undefined) throw new Error(`the tsdask ssh test needs sshd: ${missing}`);
    // The third host's sshd listens on a non-default port: the hostfile says host:port.
    const lab = await startSshLab(['sched', 'w1', 'w2'], [undefined, undefined, 2222]);
    t.teardown(() => lab.close());
    t.comment(`sshd hosts (${lab.mode}): ${lab.hosts.map((h) => `${h.entry} (${h.hostname})`).join(', ')}`);
    const hostfile = join(lab.dir, 'hosts.txt');
    writeFileSync(hostfile, `# scheduler first, then workers\n${lab.hosts.map((h) => h.entry).join('\n')}\n`);
    // Namespaced hosts keep the default ports; on shared loopback let the scheduler pick.
    const ports = lab.mode === 'netns' ? [] : ['--scheduler-port', '0', '--dashboard-address', ':0'];
    // --exit-on-stdin-close: should this test process die, the command and its sessions end too.
    const ssh = ['ssh', '--hostfile', hostfile, '--ssh-config', lab.sshConfig, '--ssh-option', 'ConnectTimeout=20', '--exit-on-stdin-close'];

    t.test('a key the hosts do not accept: a clear error, nothing left running', async (t) => {
      const other = join(lab.dir, 'not-authorized');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const proc = startCli([...ssh, '--ssh-identity', other, ...ports]);
      t.teardown(() => stop(proc));
      t.equal((await proc.exited).code, 1);
      t.match(proc.output(), /\[scheduler \S+\] \S+: Permission denied \(publickey\)/, "ssh's own message is relayed");
      t.match(proc.output(), /tsdask ssh: stopping \(could not start the scheduler on \S+ over ssh \(exit code 255\); its output is above\)/);
      t.same(lab.processesOf(lab.hosts[0]), []);
    });

    t.test('scheduler and workers started over ssh serve a Client, and stop with the command', async (t) => {
      const proc = startCli([...ssh, '--ssh-identity', lab.identity, '--nworkers', '1', '--nthreads', '1', '--death-timeout', '30', ...ports], {
        TSDASK_TOKEN: '',
      });
      t.teardown(() => stop(proc));
      const address = (await proc.waitFor(/tsdask ssh: scheduler at (\S+)/, 60_000))[1];
      const token = (await proc.waitFor(/^token: (\S+)/m))[1];
      const ready = await proc.waitFor(/tsdask ssh: (\d+) worker process(?:es)? ready on (.*); Ctrl-C/, 90_000);
      const [sched, ...workerHosts] = lab.hosts;
      t.equal(ready[1], '2');
      t.equal(ready[2], `${workerHosts[0].address}, ${workerHosts[1].address}`);
      t.equal(parseAddress(address).host, sched.address, 'the scheduler address is the first host of the hostfile');

      // The dashboard through the forward tsdask ssh opened: 401 without the token, the printed
      // link sets the cookie (once), then the status page answers.
      const login = (await proc.waitFor(/tsdask ssh: dashboard on this machine through ssh \(the link logs one browser in, once\): (\S+)/, 60_000))[1];
      const lm = /^http:\/\/localhost:(\d+)\/login\?once=[0-9a-f]+&next=%2Fstatus$/.exec(login);
      t.ok(lm, `a one-time login link on a local port (${login})`);
      const status = `http://127.0.0.1:${lm![1]}/status`;
      t.equal((await fetch(status)).status, 401, 'through the forward, without the cookie: 401');
      const first = await fetch(login.replace('localhost', '127.0.0.1'), { redirect: 'manual' });
      t.equal(first.status, 302, 'the link logs in and redirects to the status page');
      t.equal(first.headers.get('location'), '/status');
      const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0];
      t.equal(cookie, `tsdask-dashboard=${encodeURIComponent(token)}`, 'the cookie holds the cluster token');
      const page = await fetch(status, { headers: { cookie } });
      t.equal(page.status, 200, 'with the cookie: 200');
      t.match(await page.text(), /tsdask dashboard/);
      t.equal((await fetch(login.replace('localhost', '127.0.0.1'), { redirect: 'manual' })).status, 403, 'the link works once');

      const client = await Client.connect(address, { token });
      t.teardown(() => client.close());
      await client.waitForWorkers(2);
      const info = await client.schedulerInfo();
      t.equal(info.workerList.length, 2);
      // Workers are named hostname-pid: each pid runs under a worker host's sshd.
      const hostOf = (pid: number): SshHost | undefined => lab.hosts.find((h) => lab.processesOf(h).includes(pid));
      const workers = info.workerList.map((w) => ({ ...w, pid: Number(/-(\d+)$/.exec(w.name)![1]) }));
      t.same(workers.map((w) => hostOf(w.pid)?.name).sort(), ['w1', 'w2'], "one worker process under each worker host's sshd");
      t.ok(
        lab.processesOf(sched).some((pid) => cmdline(pid).includes('scheduler')),
        "the scheduler runs under the first host's sshd",
      );
      if (lab.mode === 'netns') {
        t.same(
          workers.map((w) => parseAddress(w.address).host).sort(),
          [workerHosts[0].address, workerHosts[1].address],
          'workers serve peers from their own hosts’ addresses',
        );
        t.same(workers.map((w) => w.name.replace(/-\d+$/, '')).sort(), ['tsdask-w1', 'tsdask-w2'], 'and report their own hostnames');
      }

      // A delayed graph: the sum's inputs sit on both workers, which fetch from each other.
      const inc = (x: number) => x + 1;
      const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const [sum] = await compute(delayed(total)(Array.from({ length: 8 }, (_, i) => delayed(inc)(i))));
      t.equal(sum, 36);
      // client.map, reporting where each task ran.
      const where = (x: number) => `${process.getBuiltinModule('node:os').hostname()} ${x * x}`;
      const out = await client.gather(client.map(where, [1, 2, 3, 4, 5, 6]));
      t.same(
        out.map((s) => Number(s.split(' ')[1])),
        [1, 4, 9, 16, 25, 36],
      );
      const ranOn = new Set(out.map((s) => s.split(' ')[0]));
      if (lab.mode === 'netns')
        t.ok(
          [...ranOn].every((h) => h === 'tsdask-w1' || h === 'tsdask-w2'),
          `tasks ran on the worker hosts (${[...ranOn].join(', ')})`,
        );
      await client.close();

      proc.kill('SIGINT');
      t.equal((await proc.exited).code, 0, 'Ctrl-C stops the command');
      // Closing the sessions ended every remote process: no kill from this test needed.
      await untilGone(lab);
      t.pass('scheduler, workers and ssh sessions all ended with the command');
      await t.rejects(Client.connect(address, { token, timeout: 5000, setAsDefault: false }), /connection refused/, 'the remote scheduler is gone');
    });
  });
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Wait (not time) for every process started through the hosts' sshd to end; fail naming leftovers. */
async function untilGone(lab: SshLab, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = lab.hosts.flatMap((h) => lab.processesOf(h).map((pid) => `${h.name}: ${pid} ${cmdline(pid)}`));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`still running ${ms / 1000} s after the command ended:\n${left.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
