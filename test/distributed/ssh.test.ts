/**
 * `tsdask ssh --hostfile`: the scheduler on the first host, workers on the rest. A stand-in
 * `ssh` runs the remote command on this machine, so the whole path (hostfile, token on stdin,
 * remote command line, shutdown when the session ends) runs for real on loopback.
 */
import t from 'tap';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '../../src/index.js';
import { readHostfile, remoteCommand } from '../../src/distributed/ssh.js';
import { startCli, stop } from './procs.js';

const dir = mkdtempSync(join(tmpdir(), 'tsdask-ssh-'));

t.test('hostfile and remote command', async (t) => {
  const hf = join(dir, 'hosts.txt');
  writeFileSync(hf, '# cluster\nubuntu@10.0.0.5   # scheduler\n\n10.0.0.6\n');
  t.same(readHostfile(hf), [
    { target: 'ubuntu@10.0.0.5', host: '10.0.0.5' },
    { target: '10.0.0.6', host: '10.0.0.6' },
  ]);
  const cmd = remoteCommand('npx tsdask', '/srv/app', ['worker', "tcp://h:8786", '--name', "it's"]);
  t.match(cmd, /^cd '\/srv\/app' && IFS= read -r TSDASK_TOKEN && export TSDASK_TOKEN && exec npx tsdask 'worker' 'tcp:\/\/h:8786' '--name' 'it'\\''s' --exit-on-stdin-close$/);
  writeFileSync(join(dir, 'empty.txt'), '# nothing\n');
  t.throws(() => readHostfile(join(dir, 'empty.txt')), /lists no hosts/);
});

t.test('tsdask ssh starts a working cluster and stops it', async (t) => {
  const fakeSsh = join(dir, 'fake-ssh');
  // Drop ssh options and the target; run the remote command here.
  writeFileSync(fakeSsh, '#!/bin/bash\nwhile [ "$1" = "-o" ] || [ "$1" = "-i" ] || [ "$1" = "-p" ]; do shift 2; done\nshift\nexec bash -c "$1"\n');
  chmodSync(fakeSsh, 0o755);
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const hf = join(dir, 'local-hosts.txt');
  writeFileSync(hf, '127.0.0.1\n127.0.0.1\n');
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const remote = `${process.execPath} --import ${tsx} ${join(__dirname, '..', '..', 'src', 'distributed', 'cli.ts')}`;
  const token = 'ssh-test-token-0123456789';
  const proc = startCli(
    ['ssh', '--hostfile', hf, '--scheduler-port', String(port), '--dashboard-address', ':0', '--nworkers', '2', '--nthreads', '1', '--ssh', fakeSsh, '--remote-command', remote],
    { TSDASK_TOKEN: token, TSDASK_HOME: join(dir, 'home') },
  );
  t.teardown(() => stop(proc));
  await proc.waitFor(/\[worker 127\.0\.0\.1\] tsdask worker: 2 worker processes/, 60_000);
  const client = await Client.connect(`tcp://127.0.0.1:${port}`, { token, setAsDefault: false });
  await client.waitForWorkers(2);
  const sq = (x: number) => x * x;
  t.same(await client.gather(client.map(sq, [1, 2, 3])), [1, 4, 9]);
  await client.close();
  proc.kill('SIGINT');
  const exit = await proc.exited;
  t.equal(exit.code, 0, 'Ctrl-C stops the scheduler and workers');
  t.match(proc.output(), /\[scheduler 127\.0\.0\.1\] tsdask scheduler at/);
  await t.rejects(Client.connect(`tcp://127.0.0.1:${port}`, { token, timeout: 2000, setAsDefault: false }), /connection refused/, 'the remote scheduler is gone');
});
