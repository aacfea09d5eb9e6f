/**
 * Real OpenSSH hosts for tests: one `sshd` (Debian's openssh-server) per host, each with its
 * own host key, config, PidFile and listening address, all accepting one key pair generated
 * here. When this process may create network namespaces (root, `ip netns`), every host is a
 * namespace of its own with its own hostname (UTS namespace) and address on a private bridge,
 * and this process reaches them through a veth on that bridge: the cluster really spans
 * addresses and hosts. Otherwise the hosts are sshd's on 127.0.0.x loopback addresses.
 *
 * With `{ ownHomes: true }` (root) every host also gets a user of its own (useradd) and a home
 * directory of its own: each sshd runs in a mount namespace where that host's private
 * directory is bind-mounted at one common home path. So `~/data` is the same path on every
 * host, as on real machines, yet files copied there land in three different directories (seen
 * from this process under `homeDir`), and the common path itself is this process's own view.
 *
 * Every process a host runs descends from its sshd (or, if it detached, lives in the host's
 * namespace or runs as its user); `close()` (also run at process exit) kills what is left,
 * deletes the namespaces and the users.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

/** Why real sshd hosts cannot run here, or undefined when they can. */
export function sshdMissing(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is missing: apt-get install -y openssh-server`;
  for (const tool of ['ssh', 'ssh-keygen']) {
    if (spawnSync(tool, ['-V']).error) return `${tool} is missing: apt-get install -y openssh-server (it brings openssh-client)`;
  }
  return undefined;
}

/** Why hosts with their own users and homes cannot run here (they need root, useradd, unshare), or undefined. */
export function ownHomesMissing(): string | undefined {
  const ssh = sshdMissing();
  if (ssh !== undefined) return ssh;
  if (process.getuid?.() !== 0) return 'hosts with their own users and homes need root (useradd, mount namespaces)';
  if (!existsSync('/usr/sbin/useradd')) return '/usr/sbin/useradd is missing: apt-get install -y passwd';
  if (spawnSync('unshare', ['--version']).error) return 'unshare is missing: apt-get install -y util-linux';
  return undefined;
}

export interface SshLabOptions {
  /** Each host its own user and home directory, at one common path (see the top of this file). */
  ownHomes?: boolean;
}

export interface SshHost {
  /** Short name; in namespace mode also the host's hostname. */
  name: string;
  address: string;
  port: number;
  user: string;
  /** The hostfile line for this host: user@address[:port]. */
  entry: string;
  /** The shell that runs this host's sshd (every process of the host descends from it). */
  sshd: ChildProcess;
  /** The sshd listener's pid, from its PidFile. */
  sshdPid: number;
  /** Network namespace (namespace mode). */
  netns?: string;
  /** The hostname processes on this host see. */
  hostname: string;
  /** With ownHomes: the host's user's uid, and where this process sees that host's home. */
  uid?: number;
  homeDir?: string;
}

export interface SshLab {
  mode: 'netns' | 'loopback';
  dir: string;
  hosts: SshHost[];
  /** Private key whose public half every host accepts. */
  identity: string;
  /** An ssh_config for `ssh -F`: known hosts from the generated host keys, strict checking. */
  sshConfig: string;
  /** With ownHomes: the home path every host's user has (on each host its own directory). */
  homePath?: string;
  /** Live processes started through a host's sshd (its sessions and what they run). */
  processesOf(h: SshHost): number[];
  /** Every live process of a host, detached ones included (its namespace's, or its own user's). */
  allProcessesOf(h: SshHost): number[];
  close(): Promise<void>;
}

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
};

function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  return parents;
}

export function descendants(pid: number): number[] {
  const parents = parentsByPid();
  const out: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const p = frontier.pop()!;
    for (const [c, pp] of parents)
      if (pp === p && !out.includes(c)) {
        out.push(c);
        frontier.push(c);
      }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const kill = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

// ------------------------------------------------------------------ network namespaces

/** A /24 in 10.0.0.0/8 that no route or address here overlaps. */
function freeSubnet(): string | undefined {
  const text = run('ip', ['-4', '-o', 'addr', 'show']) + run('ip', ['-4', 'route', 'show', 'table', 'all']);
  const nets = [...text.matchAll(/(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?/g)].map((m) => ({
    ip: ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0,
    len: m[5] === undefined ? 32 : +m[5],
  }));
  const mask = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
  for (let i = 0; i < 200; i++) {
    const b = 200 + ((process.pid + i) % 50);
    const c = (process.pid * 7 + i * 13) % 254;
    const ours = ((10 << 24) | (b << 16) | (c << 8)) >>> 0;
    const clash = nets.some((n) => n.len > 0 && (n.ip & mask(Math.min(n.len, 24))) >>> 0 === (ours & mask(Math.min(n.len, 24))) >>> 0);
    if (!clash) return `10.${b}.${c}`;
  }
  return undefined;
}

// ------------------------------------------------------------------ users (ownHomes)

const USER_RE = /^(tsdk([0-9a-z]+)u\d+):[^:]*:(\d+):/;

/** Pids of the live processes whose real uid is `uid`. */
function pidsOfUid(uid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'));
      if (m && Number(m[1]) === uid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** useradd/userdel take a lock on /etc/passwd: parallel test files may meet there, so retry. */
function retryLocked(cmd: string, args: string[]): void {
  for (let i = 0; ; i++) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status === 0) return;
    if (i >= 50 || !/lock/i.test(r.stderr)) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
    spawnSync('sleep', ['0.1']);
  }
}

function deleteUser(name: string, uid: number): void {
  for (const pid of pidsOfUid(uid)) kill(pid, 'SIGKILL');
  try {
    retryLocked('userdel', [name]);
  } catch {
    // a process of it still dying: the next run's removeStale deletes it
  }
}

/** Users left by test processes that died without cleaning up. */
function removeStaleUsers(): void {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const m = USER_RE.exec(line);
    if (m !== null && !alive(parseInt(m[2], 36))) deleteUser(m[1], Number(m[3]));
  }
}

/** Namespaces left by test processes that died without cleaning up. */
function removeStale(): void {
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const m = /^(tsdk([0-9a-z]+)-\S+)/.exec(line);
    if (m === null || alive(parseInt(m[2], 36))) continue;
    for (const pid of run('ip', ['netns', 'pids', m[1]]).split('\n').filter(Boolean)) kill(Number(pid), 'SIGKILL');
    spawnSync('ip', ['netns', 'del', m[1]]);
  }
}

interface Net {
  prefix: string;
  subnet: string;
  namespaces: string[];
  rootLink: string;
}

function makeBridge(): Net | undefined {
  if (process.getuid?.() !== 0 || process.env.TSDASK_SSH_TEST_NETNS === '0') return undefined;
  if (spawnSync('ip', ['-V']).error || spawnSync('unshare', ['--version']).error) return undefined;
  removeStale();
  const subnet = freeSubnet();
  if (subnet === undefined) return undefined;
  const prefix = `tsdk${process.pid.toString(36)}`;
  const net: Net = { prefix, subnet, namespaces: [], rootLink: `${prefix}h` };
  const lan = `${prefix}-lan`;
  try {
    run('ip', ['netns', 'add', lan]);
    net.namespaces.push(lan);
    run('ip', ['-n', lan, 'link', 'add', 'br0', 'type', 'bridge']);
    run('ip', ['-n', lan, 'link', 'set', 'br0', 'up']);
    run('ip', ['link', 'add', net.rootLink, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', lan]);
    run('ip', ['-n', lan, 'link', 'set', 'uplink', 'master', 'br0', 'up']);
    run('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', net.rootLink]);
    run('ip', ['link', 'set', net.rootLink, 'up']);
    return net;
  } catch {
    deleteNet(net); // not permitted here (container without CAP_NET_ADMIN, no bridge module): loopback
    return undefined;
  }
}

function addHostNamespace(net: Net, name: string, i: number): { netns: string; address: string } {
  const netns = `${net.prefix}-${name}`;
  const lan = `${net.prefix}-lan`;
  const address = `${net.subnet}.${i + 2}`;
  run('ip', ['netns', 'add', netns]);
  net.namespaces.push(netns);
  run('ip', ['link', 'add', 'name', 'eth0', 'netns', netns, 'type', 'veth', 'peer', 'name', `port${i}`, 'netns', lan]);
  run('ip', ['-n', lan, 'link', 'set', `port${i}`, 'master', 'br0', 'up']);
  run('ip', ['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  run('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
  run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  return { netns, address };
}

function deleteNet(net: Net): void {
  for (const ns of net.namespaces) {
    const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
    for (const pid of pids.split('\n').filter(Boolean)) kill(Number(pid), 'SIGKILL');
    spawnSync('ip', ['netns', 'del', ns]);
  }
  spawnSync('ip', ['link', 'del', net.rootLink]); // its peer went with the bridge namespace
  net.namespaces = [];
}

// ------------------------------------------------------------------ sshd

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function startSshd(argv: string[], name: string, pidFile: string): Promise<{ child: ChildProcess; pid: number }> {
  // sshd gives its sessions a fresh environment; keep tap's variables away from it anyway.
  // Its stdin is a pipe from this process: `read` returns when we are gone, however we died.
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd for ${name} did not start listening:\n${err}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/Server listening on/.test(err)) {
        clearTimeout(timer);
        void readPidFile(pidFile).then((pid) => resolve({ child, pid }), reject);
      }
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`sshd for ${name} exited (${sig ?? code}):\n${err}`));
    });
  });
}

/** sshd writes its PidFile right after it starts listening. */
async function readPidFile(path: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const text = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
    if (/^\d+$/.test(text)) return Number(text);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sshd did not write its PidFile ${path}`);
}

/** sh runs sshd in the foreground (-D) and stops it when its stdin closes. */
const WATCHDOG = '"$@" & pid=$!; read -r _; kill $pid';

const keygen = (path: string, comment: string) => run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);

/** A host's user: its own account, its home at `homePath` (on the host), `homeDir` (here). */
function makeUser(name: string, homePath: string, homeDir: string, pubkey: Buffer): number {
  retryLocked('useradd', ['-M', '-N', '-d', homePath, '-s', '/bin/sh', '-p', '*', '-c', 'tsdask test host', name]);
  const uid = Number(run('id', ['-u', name]).trim());
  const gid = Number(run('id', ['-g', name]).trim());
  mkdirSync(join(homeDir, '.ssh'), { recursive: true });
  writeFileSync(join(homeDir, '.ssh', 'authorized_keys'), pubkey, { mode: 0o600 });
  for (const p of [homeDir, join(homeDir, '.ssh'), join(homeDir, '.ssh', 'authorized_keys')]) chownSync(p, uid, gid);
  chmodSync(homeDir, 0o700);
  chmodSync(join(homeDir, '.ssh'), 0o700);
  return uid;
}

/** Processes in a namespace (`ip netns pids`). */
const netnsPids = (ns: string) => (spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).map(Number);

/** Start one sshd per name: in a namespace on `ports[i]` (default 22), on loopback on a free port. */
export async function startSshLab(names: string[], ports: (number | undefined)[] = [], opts: SshLabOptions = {}): Promise<SshLab> {
  const ownHomes = opts.ownHomes === true;
  if (ownHomes) {
    const why = ownHomesMissing();
    if (why !== undefined) throw new Error(`startSshLab({ ownHomes }): ${why}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-sshd-'));
  const user = userInfo().username;
  const identity = join(dir, 'id_ed25519');
  keygen(identity, 'tsdask-test-client');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${identity}.pub`));
  // sshd running as root insists on its privilege separation directory (systemd makes it at boot).
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  // The hosts' users walk through this directory to their homes (the keys in it stay 0600).
  const homePath = ownHomes ? join(dir, 'home') : undefined;
  if (homePath !== undefined) {
    removeStaleUsers();
    chmodSync(dir, 0o755);
    mkdirSync(homePath, { mode: 0o755 });
  }

  const net = makeBridge();
  const hosts: SshHost[] = [];
  const users: { name: string; uid: number }[] = [];
  let closed = false;
  const closeSync = () => {
    if (closed) return;
    closed = true;
    for (const h of hosts) for (const pid of [...descendants(h.sshd.pid!), h.sshd.pid!]) kill(pid, 'SIGKILL');
    if (net) deleteNet(net);
    for (const u of users) deleteUser(u.name, u.uid);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', closeSync);

  try {
    for (const [i, name] of names.entries()) {
      const hdir = join(dir, name);
      mkdirSync(hdir, { mode: 0o755 });
      keygen(join(hdir, 'ssh_host_ed25519_key'), name);
      let hostUser = user;
      let uid: number | undefined;
      const homeDir = ownHomes ? join(hdir, 'home') : undefined;
      if (homePath !== undefined && homeDir !== undefined) {
        hostUser = `tsdk${process.pid.toString(36)}u${i}`;
        mkdirSync(homeDir);
        uid = makeUser(hostUser, homePath, homeDir, readFileSync(`${identity}.pub`));
        users.push({ name: hostUser, uid });
      }
      const where = net ? addHostNamespace(net, name, i) : { netns: undefined, address: `127.0.0.${10 + i}` };
      const port = net ? (ports[i] ?? 22) : await freePort(where.address);
      const config = join(hdir, 'sshd_config');
      writeFileSync(
        config,
        [
          `ListenAddress ${where.address}:${port}`,
          `HostKey ${join(hdir, 'ssh_host_ed25519_key')}`,
          `PidFile ${join(hdir, 'sshd.pid')}`,
          // Own homes: each user's ~/.ssh/authorized_keys, modes checked as on any machine.
          ...(ownHomes ? ['StrictModes yes'] : [`AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'StrictModes no']),
          'UsePAM no',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'PermitRootLogin prohibit-password',
          'PrintMotd no',
          'UseDNS no',
          '',
        ].join('\n'),
      );
      const hostname = net ? `tsdask-${name}` : run('hostname', []).trim();
      const sshdArgv = ['/bin/sh', '-c', WATCHDOG, 'sh', SSHD, '-D', '-e', '-f', config];
      // Own homes: a private mount namespace puts this host's home directory at the common path.
      const home = homePath !== undefined && homeDir !== undefined ? ['--mount', '--propagation', 'private'] : [];
      const bind = homePath !== undefined && homeDir !== undefined ? `mount --bind "$2" "$3" && ` : '';
      const bindArgs = homePath !== undefined && homeDir !== undefined ? [homeDir, homePath] : ['', ''];
      const argv = net
        ? [
            'ip',
            'netns',
            'exec',
            where.netns!,
            'unshare',
            '--uts',
            ...home,
            '--',
            '/bin/sh',
            '-c',
            `hostname "$1" && ${bind}shift 3 && exec "$@"`,
            'sh',
            hostname,
            ...bindArgs,
            ...sshdArgv,
          ]
        : home.length > 0
          ? ['unshare', ...home, '--', '/bin/sh', '-c', `${bind}shift 3 && exec "$@"`, 'sh', '', ...bindArgs, ...sshdArgv]
          : sshdArgv;
      const { child: sshd, pid: sshdPid } = await startSshd(argv, name, join(hdir, 'sshd.pid'));
      const entry = `${hostUser}@${where.address}${port === 22 ? '' : `:${port}`}`;
      hosts.push({ name, address: where.address, port, user: hostUser, entry, sshd, sshdPid, netns: where.netns, hostname, uid, homeDir });
    }
  } catch (e) {
    closeSync();
    throw e;
  }

  // Known hosts from the generated host keys: the client checks every host for real.
  const known = hosts.map((h) => {
    const [type, key] = readFileSync(join(dir, h.name, 'ssh_host_ed25519_key.pub'), 'utf8').split(' ');
    return `${h.port === 22 ? h.address : `[${h.address}]:${h.port}`} ${type} ${key}`;
  });
  writeFileSync(join(dir, 'known_hosts'), known.join('\n') + '\n');
  const sshConfig = join(dir, 'ssh_config');
  writeFileSync(
    sshConfig,
    [
      'Host *',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  IdentitiesOnly yes',
      '  PasswordAuthentication no',
      '',
    ].join('\n'),
  );

  return {
    mode: net ? 'netns' : 'loopback',
    dir,
    hosts,
    identity,
    sshConfig,
    homePath,
    processesOf: (h) => descendants(h.sshdPid).filter(alive),
    allProcessesOf: (h) =>
      [...new Set([...descendants(h.sshdPid), ...(h.netns ? netnsPids(h.netns) : []), ...(h.uid === undefined ? [] : pidsOfUid(h.uid))])].filter(alive),
    async close() {
      if (closed) return;
      // sshd's sessions outlive the listener: end them first, then the daemons.
      const pids = hosts.flatMap((h) => [...descendants(h.sshd.pid!), h.sshd.pid!, ...(h.uid === undefined ? [] : pidsOfUid(h.uid))]);
      for (const pid of pids) kill(pid, 'SIGTERM');
      for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
      for (const pid of pids.filter(alive)) kill(pid, 'SIGKILL');
      closeSync();
      process.removeListener('exit', closeSync);
    },
  };
}
