/**
 * Tokens, TLS, and bad input: each is a clear error, never a hang, and the scheduler keeps
 * serving other clients.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, delayed } from '../../src/index.js';
import { parseAddress } from '../../src/distributed/address.js';
import { connect } from '../../src/distributed/connection.js';
import { WebSocketLink } from '../../src/distributed/links/websocket.js';
import { parseDone, PROTOCOL_VERSION } from '../../src/distributed/protocol/index.js';
import { startCli, startScheduler, startWorkers, stop } from './procs.js';

const inc = (x: number) => x + 1;
const dir = mkdtempSync(join(tmpdir(), 'tsdask-sec-'));
// Keep generated tokens of these tests out of the user's ~/.tsdask.
process.env.TSDASK_HOME = join(dir, 'home');
delete process.env.TSDASK_TOKEN;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

t.test('a token file protects the scheduler', async (t) => {
  const tokenFile = join(dir, 'token');
  const sched = await startScheduler(['--no-dashboard', '--token-file', tokenFile]);
  t.teardown(() => stop(sched.proc));
  t.ok(existsSync(tokenFile), 'the scheduler wrote a new token to the file');
  const token = readFileSync(tokenFile, 'utf8').trim();
  t.ok(token.length >= 20);

  await t.rejects(Client.connect(sched.address, { setAsDefault: false }), /authentication required.*--token-file/s);
  await t.rejects(Client.connect(sched.address, { token: 'not-the-token', setAsDefault: false }), /authentication failed: wrong token/);

  const bad = startCli(['worker', sched.address, '--token-file', join(dir, 'wrong'), '--death-timeout', '5'], { TSDASK_HOME: process.env.TSDASK_HOME! });
  writeFileSync(join(dir, 'wrong'), 'wrong-token\n');
  const badExit = await bad.exited;
  t.not(badExit.code, 0, 'a worker with the wrong token exits with an error');
  t.match(bad.output(), /authentication failed|cannot read token file/);

  const workers = await startWorkers(sched.address, ['--token-file', tokenFile]);
  t.teardown(() => stop(workers));
  const client = await Client.connect(sched.address, { token, setAsDefault: false });
  t.teardown(() => client.close());
  t.equal(await client.submit(inc, 1), 2, 'the right token works for workers and clients');
});

t.test('listening beyond loopback generates and requires a token', async (t) => {
  const proc = startCli(['scheduler', '--host', '0.0.0.0', '--port', '0', '--no-dashboard'], { TSDASK_HOME: join(dir, 'other-home') });
  t.teardown(() => stop(proc));
  const m = await proc.waitFor(/tsdask scheduler at tcp:\/\/[^:]+:(\d+)/);
  const tok = await proc.waitFor(/token: (\S+)/);
  const address = `tcp://127.0.0.1:${m[1]}`;
  await t.rejects(Client.connect(address, { setAsDefault: false }), /authentication required/);
  const client = await Client.connect(address, { token: tok[1], setAsDefault: false });
  t.match(String(client), /workers=0/);
  await client.close();
});

t.test('bad input fails fast with a clear message', async (t) => {
  const port = await freePort();
  await t.rejects(Client.connect(`tcp://127.0.0.1:${port}`, { setAsDefault: false }), /connection refused: nothing listens there/);
  await t.rejects(Client.connect('tcp://no-such-host.invalid:8786', { setAsDefault: false }), /cannot connect to tcp:\/\/no-such-host\.invalid:8786/);
  await t.rejects(Client.connect('tcp://127.0.0.1:99999', { setAsDefault: false }), /port 99999 is out of range/);

  // A port that accepts TCP but never speaks: a timeout, not a hang.
  const silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => silent.close());
  const sp = (silent.address() as { port: number }).port;
  await t.rejects(Client.connect(`tcp://127.0.0.1:${sp}`, { timeout: 800, setAsDefault: false }), /timed out after 0\.8 s/);

  const sched = await startScheduler(['--dashboard-address', '127.0.0.1:0']);
  t.teardown(() => stop(sched.proc));
  const dashPort = new URL(sched.dashboard!).port;
  await t.rejects(Client.connect(`tcp://127.0.0.1:${dashPort}`, { setAsDefault: false }), /not a tsdask scheduler or worker port/);

  // Another version of the protocol is refused by name.
  const raw = await connect(parseAddress(sched.address));
  await t.rejects(
    raw.request({ op: 'hello', role: 'client', version: 999, tsdask: '9.9.9' }, parseDone, 5000),
    new RegExp(`version mismatch: .*protocol ${PROTOCOL_VERSION} .*protocol 999 \\(tsdask 9\\.9\\.9\\)`),
  );
  raw.close();

  // Garbage on the socket does not take the scheduler down.
  const garbage = await connect(parseAddress(sched.address));
  if (!(garbage.link instanceof WebSocketLink)) throw new Error('connect() gives a websocket link');
  const dropped = new Promise<'dropped'>((r) => garbage.once('close', () => r('dropped')));
  garbage.link.ws.send('hello?');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'not dropped'>((r) => (timer = setTimeout(() => r('not dropped'), 10_000)));
  t.equal(await Promise.race([dropped, late]), 'dropped', 'the scheduler drops a connection that sends garbage');
  clearTimeout(timer);

  const workers = await startWorkers(sched.address);
  t.teardown(() => stop(workers));
  const client = await Client.connect(sched.address, { setAsDefault: false });
  t.teardown(() => client.close());

  // A result that cannot be serialized names the task, whether fetched or pushed.
  const makeFn = (x: number) => {
    class Handle {
      constructor(readonly fd: number) {}
    }
    return { x, handle: new Handle(x) };
  };
  const f = client.submit(makeFn, 1);
  const err = (await f.result().catch((e: unknown) => e)) as Error;
  t.equal(err.name, 'SerializationError');
  t.match(err.message, f.key);
  t.match(err.message, /value\.handle is an instance of class Handle/);
  await t.rejects(delayed(makeFn)(2).compute({ scheduler: client }), /cannot serialize the result of task 'makeFn-/);
  t.equal(await client.submit(inc, 1), 2, 'the scheduler keeps serving');

  // A worker pointed at a dead scheduler gives up after its death timeout.
  const dead = await freePort();
  const lonely = startCli(['worker', `tcp://127.0.0.1:${dead}`, '--death-timeout', '1']);
  const exit = await lonely.exited;
  t.not(exit.code, 0);
  t.match(lonely.output(), /gave up reaching the scheduler at tcp:\/\/127\.0\.0\.1:\d+ after 1 s/);
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error('the TLS test needs openssl (apt-get install openssl)');
    return false;
  }
}

t.test('TLS (tls:// addresses over wss) with a certificate', { skip: hasOpenssl() ? false : 'openssl not installed (apt-get install openssl)' }, async (t) => {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const sched = await startScheduler(['--no-dashboard', '--tls-cert', cert, '--tls-key', key]);
  t.teardown(() => stop(sched.proc));
  t.match(sched.address, /^tls:\/\//);
  await t.rejects(Client.connect(sched.address, { setAsDefault: false }), /TLS failed|self.signed|certificate/i, 'an unknown CA is refused');
  const workers = await startWorkers(sched.address, ['--tls-ca', cert, '--tls-cert', cert, '--tls-key', key]);
  t.teardown(() => stop(workers));
  const client = await Client.connect(sched.address, { tlsCa: cert, setAsDefault: false });
  t.teardown(() => client.close());
  t.equal(await client.submit(inc, 41), 42);
});
