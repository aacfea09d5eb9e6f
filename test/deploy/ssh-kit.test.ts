/**
 * The seed assignment's whole cluster chore on real SSH: three hosts, each a real sshd
 * (Debian's openssh-server) with its own user and its own home directory at the same path
 * (test/distributed/sshd-hosts.ts, ownHomes), driven only through the deploy kit:
 *
 *   ssh-keys.mjs      twice: the scheduler node's key in every authorized_keys exactly once,
 *                     the lines already there intact, ~/.ssh 700 and the file 600
 *   copy-data.mjs     twice: StackLite CSVs in all three homes with equal checksums; the second
 *                     run copies nothing
 *   cluster.mjs       bootstrap, start (scheduler on node 1, workers on nodes 2 and 3), status,
 *                     ssh N, tunnel, stop, and the errors a user meets
 *
 * Then StackLite Tasks 5 and 6 run from this process on the copied files, node 3's workers are
 * SIGKILLed while the scheduler still has tasks of that computation pending, and the answers
 * equal plain code's answers computed from the same CSV rows.
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, compute } from '../../src/index.js';
import * as dd from '../../src/dataframe/index.js';
import { generateStackLite } from '../../src/datasets/index.js';
import { ownerTable, tagTable } from '../../src/cli/stacklite-tables.js';
import { type SshHost, type SshLab, ownHomesMissing, startSshLab } from '../distributed/sshd-hosts.js';
import { freePort, type KitRun, ROOT, runKit, startKit } from './kit.js';

const missing = ownHomesMissing();

// ------------------------------------------------------------------ the reference answers

type Row = Record<string, number | string>;
interface Stats {
  AverageScore: number;
  NumQuestions: number;
  NumAnswers: number;
  NumOwners?: number;
}

/** Rows of a CSV without quoted fields (what the generator writes); NA is missing. */
function csvRows(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}
const num = (v: string) => (v === 'NA' || v === '' ? NaN : Number(v));

/** Plain code, from the CSV rows: Task 5's per-owner and Task 6's per-tag figures. */
function reference(dir: string): { owners: Map<string, Stats>; tags: Map<string, Stats> } {
  const questions = csvRows(join(dir, 'questions.csv'));
  const tagRows = csvRows(join(dir, 'question_tags.csv'));
  const add = (m: Map<string, { sum: number; n: number; q: number; a: number; o: number }>, key: string, q: Record<string, string>) => {
    const s = m.get(key) ?? { sum: 0, n: 0, q: 0, a: 0, o: 0 };
    const score = num(q.Score);
    if (!Number.isNaN(score)) {
      s.sum += score;
      s.n++;
    }
    s.q++; // Id is never missing
    const a = num(q.AnswerCount);
    if (!Number.isNaN(a)) s.a += a;
    if (!Number.isNaN(num(q.OwnerUserId))) s.o++;
    m.set(key, s);
  };
  const byOwner = new Map<string, { sum: number; n: number; q: number; a: number; o: number }>();
  for (const q of questions) if (!Number.isNaN(num(q.OwnerUserId))) add(byOwner, String(num(q.OwnerUserId)), q);
  const byId = new Map(questions.map((q) => [q.Id, q]));
  const byTag = new Map<string, { sum: number; n: number; q: number; a: number; o: number }>();
  for (const tr of tagRows) {
    const q = byId.get(tr.Id);
    if (q) add(byTag, tr.Tag, q); // inner merge: tag rows without their question drop out
  }
  const stats = (m: Map<string, { sum: number; n: number; q: number; a: number; o: number }>, owners: boolean) =>
    new Map([...m].map(([k, s]) => [k, { AverageScore: s.sum / s.n, NumQuestions: s.q, NumAnswers: s.a, ...(owners ? { NumOwners: s.o } : {}) }] as const));
  return { owners: stats(byOwner, false), tags: stats(byTag, true) };
}

function rowsOf(df: dd.DanfoDataFrame): Row[] {
  const cols = df.columns;
  return (df.values as unknown[][]).map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i] as number | string])));
}

/**
 * A valid nlargest(5, by): five rows, each with the reference figures of its key, and their
 * `by` values the five largest of all keys (ties at the edge may pick any of the tied keys).
 */
function checkTop(t: Test, got: Row[], keyCol: string, ref: Map<string, Stats>, by: keyof Stats, what: string): void {
  t.equal(got.length, 5, `${what}: five rows`);
  const top = [...ref.values()].map((s) => s[by] as number).sort((a, b) => b - a);
  t.same(
    got.map((r) => r[by]),
    top.slice(0, 5),
    `${what}: the five largest ${by}, in order`,
  );
  for (const r of got) {
    const key = String(r[keyCol]);
    const s = ref.get(key);
    if (s === undefined) {
      t.fail(`${what}: ${keyCol} ${key} is not in the data`);
      continue;
    }
    t.ok(Math.abs((r.AverageScore as number) - s.AverageScore) <= 1e-9 * Math.max(1, Math.abs(s.AverageScore)), `${what}: ${key} AverageScore`);
    t.same(
      [r.NumQuestions, r.NumAnswers, ...(s.NumOwners === undefined ? [] : [r.NumOwners])],
      [s.NumQuestions, s.NumAnswers, ...(s.NumOwners === undefined ? [] : [s.NumOwners])],
    );
  }
}

// ------------------------------------------------------------------ the tasks, as the seed writes them

const DTYPES = { ClosedDate: 'string', DeletionDate: 'string', OwnerUserId: 'float64', AnswerCount: 'float64' } as const;

function tables(dir: string) {
  return {
    questions: dd.readCsv(join(dir, 'questions.csv'), { dtype: DTYPES, blocksize: '48kB' }),
    tags: dd.readCsv(join(dir, 'question_tags.csv'), { blocksize: '48kB' }),
  };
}
const task5 = (q: dd.DataFrame) => ownerTable(q).nlargest(5, 'NumQuestions');

// ------------------------------------------------------------------ the hosts

interface HostsFile {
  [k: string]: unknown;
}

function hostsJson(lab: SshLab, extra: HostsFile = {}, nodes: Partial<Record<number, HostsFile>> = {}): HostsFile {
  const node = (h: SshHost, i: number) => ({ name: h.name, public: h.address, private: h.address, user: h.user, port: h.port, ...(nodes[i] ?? {}) });
  return {
    cluster: 'lab',
    identityFile: lab.identity,
    sshConfig: lab.sshConfig,
    sshOptions: ['ConnectTimeout=20'],
    scheduler: node(lab.hosts[0], 0),
    workers: lab.hosts.slice(1).map((h, i) => node(h, i + 1)),
    // The nodes share this machine's disk outside their homes: tsdask is installed already.
    tsdask: { command: `${process.execPath} ${join(ROOT, 'bin', 'tsdask.js')}` },
    nworkers: 1,
    nthreads: 1,
    ...extra,
  };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

/** A tsdask process (the CLI, a worker process), not sshd or a shell whose arguments name the lab's directory. */
const isTsdask = (cmd: string) => /^\S*node\S*( -\S+)* \S*(bin\/tsdask\.js|worker-process\.[jt]s)/.test(cmd);

interface ApiState {
  tasksCompleted: number;
  workers: { name: string; address: string; processing: number }[];
  groups: { processing: number; waiting: number }[];
  log: { text: string }[];
}
/** The dashboard's /api/state; off loopback the dashboard wants the cluster token. */
async function apiState(url: string, token: string): Promise<ApiState> {
  return (await (await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) })).json()) as ApiState;
}

function exitOk(t: Test, r: KitRun, what: string): void {
  t.equal(r.code, 0, `${what} exits 0`);
  if (r.code !== 0) t.comment(r.all);
}

if (missing !== undefined && process.env.CI !== 'true') {
  t.test('the deploy kit on three sshd hosts', { skip: `${missing} (with CI=true this fails instead)` }, async () => undefined);
} else {
  t.test('the deploy kit on three sshd hosts', async (t) => {
    if (missing !== undefined) throw new Error(`the deploy kit test needs: ${missing}`);
    const lab = await startSshLab(['node1', 'node2', 'node3'], [], { ownHomes: true });
    t.teardown(() => lab.close());
    const [h1, h2, h3] = lab.hosts;
    t.comment(`sshd hosts (${lab.mode}): ${lab.hosts.map((h) => `${h.entry} (${h.hostname}, home ${h.homeDir})`).join(', ')}`);
    const kitDir = join(lab.dir, 'kit');
    mkdirSync(kitDir);
    const schedulerPort = await freePort();
    const dashboardPort = await freePort();
    const hosts = join(kitDir, 'hosts.json');
    writeFileSync(hosts, JSON.stringify(hostsJson(lab, { schedulerPort, dashboardPort }), null, 2));
    // --hosts right after the command: after `--` it would belong to the remote command.
    const kit = (script: string, args: string[], file = hosts) => runKit(script, [...args.slice(0, 1), '--hosts', file, ...args.slice(1)]);
    const homeFile = (h: SshHost, rel: string) => join(h.homeDir!, rel);
    // Variants of hosts.json for the error cases.
    const variant = (name: string, extra: HostsFile, nodes: Partial<Record<number, HostsFile>> = {}) => {
      const f = join(kitDir, `${name}.json`);
      writeFileSync(f, JSON.stringify(hostsJson(lab, { schedulerPort, dashboardPort, ...extra }, nodes)));
      return f;
    };

    t.test('ssh-keys.mjs: the key in every authorized_keys once, other lines intact, modes right', async (t) => {
      // Lines already there; on node 2 the file even lacks its final newline.
      const before = new Map<string, string>();
      for (const h of lab.hosts) {
        const f = homeFile(h, '.ssh/authorized_keys');
        const extra = h === h2 ? '# admin key\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdminAdminAdminAdminAdminAdminAdminAdmin admin@elsewhere' : '# keep me\n';
        appendFileSync(f, extra);
        chownSync(f, h.uid!, statSync(h.homeDir!).gid);
        before.set(h.name, readFileSync(f, 'utf8'));
      }
      const first = await kit('ssh-keys.mjs', []);
      exitOk(t, first, 'the first run');
      t.match(first.stdout, /\[node 1 \S+\] made a key pair ~\/\.ssh\/id_ed25519/);
      for (const i of [1, 2, 3]) {
        t.match(first.stdout, new RegExp(`\\[node ${i} \\S+\\] key added`));
        t.match(first.stdout, new RegExp(`\\[node ${i} \\S+\\] ssh from the scheduler node works`));
      }
      const second = await kit('ssh-keys.mjs', []);
      exitOk(t, second, 'the second run');
      t.match(second.stdout, /has a key pair already/);
      t.match(second.stdout, /added on 0 nodes, there already on 3; ssh from node 1 works to all 3/);

      const pub = readFileSync(homeFile(h1, '.ssh/id_ed25519.pub'), 'utf8').trim();
      t.match(pub, /^ssh-ed25519 \S+ tsdask-cluster@/, 'the key pair was made on node 1, in its own home');
      for (const h of lab.hosts) {
        const f = homeFile(h, '.ssh/authorized_keys');
        const text = readFileSync(f, 'utf8');
        const old = before.get(h.name)!;
        t.equal(text, `${old}${old.endsWith('\n') ? '' : '\n'}${pub}\n`, `${h.name}: the old lines as they were, then the key on a line of its own`);
        t.equal(text.split('\n').filter((l) => l.includes(pub.split(' ')[1])).length, 1, `${h.name}: the key exactly once`);
        t.equal(statSync(f).mode & 0o777, 0o600, `${h.name}: authorized_keys 600`);
        t.equal(statSync(homeFile(h, '.ssh')).mode & 0o777, 0o700, `${h.name}: ~/.ssh 700`);
        t.equal(statSync(f).uid, h.uid, `${h.name}: owned by the host's user`);
      }
      t.ok(existsSync(homeFile(h1, '.ssh/known_hosts')), "node 1 knows the other nodes' host keys now");
      t.notOk(existsSync(homeFile(h2, '.ssh/id_ed25519')), 'nodes 2 and 3 got no key pair');
    });

    const data = join(lab.homePath!, 'stacklite');
    const files = ['questions.csv', 'question_tags.csv'];

    t.test('copy-data.mjs: the files land in three homes with equal checksums; again, nothing is copied', async (t) => {
      // This process's own copy sits at the common path too, as the notebook's does on node 1.
      generateStackLite(data, { questions: 12_000, seed: 7 });
      const first = await kit('copy-data.mjs', [data, '--dest', '~']);
      exitOk(t, first, 'the first copy');
      for (const i of [1, 2, 3]) {
        t.match(first.stdout, new RegExp(`\\[node ${i} \\S+\\] copying 2 of 2 files`));
        t.match(first.stdout, new RegExp(`\\[node ${i} \\S+\\] done: 2 copied, 0 identical; sha256 of all 2 files verified`));
      }
      const places = new Set<string>();
      const mtimes = new Map<string, number>();
      for (const h of lab.hosts)
        for (const f of files) {
          const p = homeFile(h, join('stacklite', f));
          t.equal(sha(p), sha(join(data, f)), `${h.name}: ${f} has the source's sha256`);
          t.equal(statSync(p).uid, h.uid, `${h.name}: ${f} belongs to the host's user`);
          places.add(`${statSync(p).dev}:${statSync(p).ino}`);
          mtimes.set(p, statSync(p).mtimeMs);
        }
      t.equal(places.size, 6, 'six distinct files: three homes, two files each');
      const second = await kit('copy-data.mjs', [data, '--dest', '~']);
      exitOk(t, second, 'the second copy');
      t.equal((second.stdout.match(/all 2 files identical already \(sha256\): nothing to copy/g) ?? []).length, 3, 'every node skips both files');
      for (const [p, m] of mtimes) t.equal(statSync(p).mtimeMs, m, `${p} was not written again`);
    });

    let token = '';
    t.test('cluster.mjs bootstrap and start: scheduler on node 1, workers on nodes 2 and 3', async (t) => {
      const b = await kit('cluster.mjs', ['bootstrap']);
      exitOk(t, b, 'bootstrap');
      for (const i of [1, 2, 3]) t.match(b.stdout, new RegExp(`\\[node ${i} \\S+\\] bootstrapped: ~/.tsdask/bin/tsdask \\(tsdask \\d`));
      const s = await kit('cluster.mjs', ['start']);
      exitOk(t, s, 'start');
      t.match(s.stdout, /\[node 1 \S+\] scheduler started/);
      t.match(s.stdout, /\[node 2 \S+\] reaches the scheduler/);
      t.match(s.stdout, /\[node 3 \S+\] worker started/);
      const tokenFile = join(kitDir, 'hosts.token');
      t.equal(statSync(tokenFile).mode & 0o777, 0o600, 'the token file is private');
      token = readFileSync(tokenFile, 'utf8').trim();
      for (const h of lab.hosts) t.equal(readFileSync(homeFile(h, '.tsdask/token'), 'utf8').trim(), token, `${h.name} has the token`);
      for (const h of lab.hosts)
        t.notOk(
          lab.allProcessesOf(h).some((pid) => cmdline(pid).includes(token)),
          `${h.name}: the token is on no command line`,
        );
      const again = await kit('cluster.mjs', ['start']);
      exitOk(t, again, 'start again');
      t.match(again.stdout, /\[node 1 \S+\] scheduler running already/);
      t.match(again.stdout, /\[node 2 \S+\] worker running already/);
    });

    t.test('StackLite Tasks 5 and 6 on the copied files; node 3 killed mid-run; same answers', async (t) => {
      const ref = reference(data);
      const client = await Client.connect(`tcp://${h1.address}:${schedulerPort}`, { token });
      t.teardown(() => client.close());
      await client.waitForWorkers(2);
      const info = await client.schedulerInfo();
      const hostOf = (address: string) => lab.hosts.find((h) => address.includes(`//${h.address}:`))?.name;
      t.same(info.workerList.map((w) => hostOf(w.address)).sort(), ['node2', 'node3'], 'one worker on each of nodes 2 and 3');
      if (lab.mode === 'netns') t.same(info.workerList.map((w) => w.name.replace(/-\d+$/, '')).sort(), ['tsdask-node2', 'tsdask-node3']);

      const { questions, tags } = tables(data);
      t.ok(questions.npartitions >= 8, `questions in ${questions.npartitions} partitions`);
      const table = tagTable(questions, tags);
      const five = async () => rowsOf(await task5(questions).compute());
      const six = async () => {
        const [a, b] = await compute(table.nlargest(5, 'NumQuestions'), table.nlargest(5, 'NumAnswers'));
        return [rowsOf(a), rowsOf(b)];
      };
      checkTop(t, await five(), 'OwnerUserId', ref.owners, 'NumQuestions', 'Task 5');
      const [byQ, byA] = await six();
      checkTop(t, byQ, 'Tag', ref.tags, 'NumQuestions', 'Task 6 by questions');
      checkTop(t, byA, 'Tag', ref.tags, 'NumAnswers', 'Task 6 by answers');

      // Kill node 3's workers (the `tsdask worker` process and its worker processes) while its
      // worker is busy with this computation: the scheduler has tasks of it pending right then.
      const api = `http://${h1.address}:${dashboardPort}/api/state`;
      const victims = () => lab.allProcessesOf(h3).filter((pid) => isTsdask(cmdline(pid)));
      t.ok(victims().length >= 2, 'node 3 runs the worker command and its worker process');
      let killedAt: { state: ApiState; pending: number } | undefined;
      let answers: Row[][] | undefined;
      for (let attempt = 0; attempt < 6 && killedAt === undefined; attempt++) {
        let finished = false;
        const run = six().finally(() => (finished = true));
        while (!finished && killedAt === undefined) {
          const s = await apiState(api, token).catch(() => undefined);
          const onVictim = s?.workers.find((w) => hostOf(w.address) === 'node3');
          const pending = s ? s.groups.reduce((a, g) => a + g.processing + g.waiting, 0) : 0;
          if (s && onVictim && onVictim.processing > 0 && pending > 0) {
            for (const pid of victims()) process.kill(pid, 'SIGKILL');
            killedAt = { state: s, pending };
          } else await new Promise((r) => setTimeout(r, 15));
        }
        answers = await run;
      }
      if (killedAt === undefined || answers === undefined)
        throw new Error('six runs of Task 6 ended before node 3 got a task: the data is too small for this machine');
      t.ok(killedAt.pending > 0, `${killedAt.pending} tasks pending at the kill (tasks done so far: ${killedAt.state.tasksCompleted})`);
      const after = await apiState(api, token);
      t.ok(
        after.tasksCompleted > killedAt.state.tasksCompleted,
        `tasks kept finishing after the kill (${killedAt.state.tasksCompleted} -> ${after.tasksCompleted})`,
      );
      t.ok(
        after.log.some((l) => l.text.includes(`(tcp://${h3.address}:`) && /removed/.test(l.text)),
        "the scheduler saw node 3's worker go",
      );
      t.same(victims(), [], "nothing of node 3's workers is left");
      checkTop(t, answers[0], 'Tag', ref.tags, 'NumQuestions', 'Task 6 by questions, node 3 killed mid-run');
      checkTop(t, answers[1], 'Tag', ref.tags, 'NumAnswers', 'Task 6 by answers, node 3 killed mid-run');
      // The seed's Tasks 7 and 8: the same queries on what is left.
      t.equal((await client.schedulerInfo()).workers, 1, 'one worker left, on node 2');
      checkTop(t, await five(), 'OwnerUserId', ref.owners, 'NumQuestions', 'Task 5 on node 2 alone');
      const [q2, a2] = await six();
      checkTop(t, q2, 'Tag', ref.tags, 'NumQuestions', 'Task 6 on node 2 alone');
      checkTop(t, a2, 'Tag', ref.tags, 'NumAnswers', 'Task 6 on node 2 alone');
    });

    t.test('cluster.mjs ssh N runs a command on that node', async (t) => {
      const [r, bad] = await Promise.all([kit('cluster.mjs', ['ssh', '2', '--', 'id -un; ls ~/stacklite']), kit('cluster.mjs', ['ssh', '7', '--', 'true'])]);
      exitOk(t, r, 'ssh 2');
      t.same(r.stdout.trim().split('\n'), [h2.user, 'question_tags.csv', 'questions.csv']);
      t.equal(bad.code, 1);
      t.match(bad.stderr, /has no node '7'[\s\S]*nodes are 1\.\.3/);
    });

    t.test('cluster.mjs tunnel: dashboard and scheduler on localhost', async (t) => {
      const [dash, sched, nb] = [await freePort(), await freePort(), await freePort()];
      const tun = startKit('cluster.mjs', [
        'tunnel',
        '--hosts',
        hosts,
        '--dashboard-port',
        String(dash),
        '--scheduler-port',
        String(sched),
        '--notebook-port',
        String(nb),
      ]);
      t.teardown(() => tun.child.kill('SIGTERM'));
      await tun.waitFor(/tunnel to node 1 \S+ open/);
      const page = await fetch(`http://localhost:${dash}/status`, { headers: { authorization: `Bearer ${token}` } }); // off loopback the dashboard wants the token
      t.equal(page.status, 200);
      t.match(await page.text(), /tsdask dashboard/);
      // The printed link logs a browser in through the forward: without it 401, after it the cookie opens /status.
      const login = (await tun.waitFor(/^ {2}dashboard {2}(\S+) {3}\(logs one browser in, once\)$/m))[1];
      t.match(login, new RegExp(`^http://localhost:${dash}/login\\?once=[0-9a-f]+&next=%2Fstatus$`), 'a one-time link on the forwarded port');
      t.equal((await fetch(`http://localhost:${dash}/status`)).status, 401, 'without the cookie: 401');
      const first = await fetch(login, { redirect: 'manual' });
      t.equal(first.status, 302);
      const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0];
      t.equal(cookie, `tsdask-dashboard=${encodeURIComponent(token)}`, 'the link sets the token cookie');
      t.equal((await fetch(`http://localhost:${dash}/status`, { headers: { cookie } })).status, 200, 'with the cookie: 200');
      t.equal((await fetch(login, { redirect: 'manual' })).status, 403, 'the link works once');
      const c = await Client.connect(`tcp://localhost:${sched}`, { token, setAsDefault: false });
      t.equal((await c.schedulerInfo()).workers, 1, 'a client through the tunnel sees the cluster');
      await c.close();
      const busy = await runKit('cluster.mjs', [
        'tunnel',
        '--hosts',
        hosts,
        '--dashboard-port',
        String(dash),
        '--scheduler-port',
        String(await freePort()),
        '--notebook-port',
        String(await freePort()),
      ]);
      t.equal(busy.code, 1);
      t.match(busy.stderr, `error: local port ${dash} (for the dashboard) is already in use`);
      tun.child.kill('SIGTERM');
      await tun.done;
    });

    t.test('clear errors: key refused, host unreachable, worker cannot reach the scheduler, bad hosts.json', async (t) => {
      const other = join(kitDir, 'not-authorized');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const deadPort = await freePort(lab.mode === 'netns' ? '127.0.0.1' : h3.address);
      // The scheduler's private address is one the workers have no way to: on EC2 the missing
      // piece is the security group's rule between its members, and the error names it.
      const sg = { region: 'us-east-1', securityGroupId: 'sg-0123456789abcdef0', securityGroupName: 'lab-nodes' };
      const broken = join(kitDir, 'broken.json');
      writeFileSync(broken, '{ "scheduler": { "public": "10.0.0.5" },\n  "workers": [ { "private": "10.0.0.6" } ] }');
      const badJson = join(kitDir, 'bad-json.json');
      writeFileSync(badJson, '{ "scheduler": { "public": "10.0.0.5" }, }');
      // Independent of each other: all at once.
      const [refused, unreachable, noRoute, handWritten, b, j] = await Promise.all([
        kit('cluster.mjs', ['bootstrap'], variant('refused', { identityFile: other })),
        kit('copy-data.mjs', [join(data, 'questions.csv')], variant('unreachable', {}, { 2: { port: deadPort } })),
        kit('cluster.mjs', ['start'], variant('cut', { ec2: sg }, { 0: { private: '198.51.100.7' } })),
        kit('cluster.mjs', ['start'], variant('cut-by-hand', {}, { 0: { private: '198.51.100.7' } })),
        kit('cluster.mjs', ['status'], broken),
        kit('cluster.mjs', ['status'], badJson),
      ]);
      t.equal(refused.code, 1);
      t.match(refused.stderr, new RegExp(`error: node \\d \\(\\S+\\) refused the key ${other} \\(ssh: .*Permission denied \\(publickey`));
      t.match(refused.stderr, /what to do: check "user" .* and "identityFile" in .*refused\.json/);

      t.equal(unreachable.code, 1);
      t.match(unreachable.stderr, `error: node 3 (${h3.user}@${h3.address}:${deadPort}) is unreachable: nothing answers ssh there`);

      t.equal(noRoute.code, 1);
      t.match(noRoute.stderr, /error: node [23] \(\S+\) cannot reach the scheduler at 198\.51\.100\.7:\d+ \((ENETUNREACH|ETIMEDOUT|EHOSTUNREACH)\)/);
      t.match(noRoute.stderr, 'the security group lab-nodes (sg-0123456789abcdef0) needs the inbound rule "All TCP, source sg-0123456789abcdef0"');
      t.equal(handWritten.code, 1);
      t.match(handWritten.stderr, /let TCP in from node [23] to node 1 at 198\.51\.100\.7:\d+, and all TCP between the nodes/);

      t.equal(b.code, 1);
      t.match(b.stderr, `error: ${broken}: workers[0].public is missing`);
      t.equal(j.code, 1);
      t.match(j.stderr, new RegExp(`error: ${badJson}:1:\\d+: not valid JSON`));
    });

    t.test('cluster.mjs status, then stop: nothing of tsdask left on the nodes', async (t) => {
      const s = await kit('cluster.mjs', ['status']);
      exitOk(t, s, 'status');
      t.match(s.stdout, /\[node 1 \S+\] reachable; bootstrapped; scheduler running \(pid \d+\)/);
      t.match(s.stdout, /\[node 2 \S+\] reachable; bootstrapped; scheduler not started; workers running/);
      t.match(s.stdout, /\[node 3 \S+\] reachable; bootstrapped; scheduler not started; workers stopped/, "node 3's killed workers show as stopped");
      const stop = await kit('cluster.mjs', ['stop']);
      exitOk(t, stop, 'stop');
      t.match(stop.stdout, /\[node 2 \S+\] workers stopped \d+/);
      t.match(stop.stdout, /\[node 1 \S+\] scheduler stopped \d+/);
      for (const h of lab.hosts)
        t.same(
          lab.allProcessesOf(h).filter((pid) => isTsdask(cmdline(pid))),
          [],
          `${h.name}: no tsdask process left`,
        );
    });

    t.test('clear errors: the scheduler port already in use on node 1', async (t) => {
      // Something else listens on node 1 at the scheduler's port.
      const taken = await freePort();
      const squatter = spawn(h1.netns ? 'ip' : process.execPath, [
        ...(h1.netns ? ['netns', 'exec', h1.netns, process.execPath] : []),
        '-e',
        `require('net').createServer().listen(${taken}, ${JSON.stringify(h1.netns ? '0.0.0.0' : h1.address)}, () => console.log('listening'))`,
      ]);
      t.teardown(() => squatter.kill('SIGKILL'));
      await new Promise((r) => squatter.stdout.once('data', r));
      const inUse = await kit('cluster.mjs', ['start'], variant('in-use', { schedulerPort: taken }));
      squatter.kill('SIGKILL');
      t.equal(inUse.code, 1);
      t.match(inUse.stderr, `the scheduler could not listen: port ${taken} is already in use there`);
      t.match(inUse.stderr, /"schedulerPort" \/ "dashboardPort"/);
    });
  });
}
