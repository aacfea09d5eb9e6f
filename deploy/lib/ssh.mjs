// @ts-check
/**
 * Running things on the nodes over OpenSSH: one `ssh` per command, never a password prompt
 * (BatchMode), new host keys accepted once and checked afterwards (unless hosts.json names an
 * ssh config, which then decides). Remote scripts are POSIX sh; data goes on stdin, never on a
 * command line. ssh's own failures become errors that say which node and what to do.
 */
import { spawn } from 'node:child_process';
import { DeployError } from './errors.mjs';

/** @typedef {import('./hosts.mjs').Cluster} Cluster */
/** @typedef {import('./hosts.mjs').Node} Node */

const SSH = process.env.TSDASK_DEPLOY_SSH || 'ssh';

/** @param {Node} n */
export const target = (n) => (n.user ? `${n.user}@${n.public}` : n.public);

/** `node 2 (ubuntu@54.1.2.3)`: how messages name a node. @param {Node} n */
export const label = (n) => `node ${n.index} (${target(n)}${n.port && n.port !== 22 ? `:${n.port}` : ''})`;

/** One word for sh: single-quoted unless plainly safe. @param {string} s */
export const q = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * A remote path for sh: `~/x` becomes "$HOME"/x, so the same text means each node's own home.
 * @param {string} p
 */
export function remotePath(p) {
  if (p === '~') return '"$HOME"';
  if (p.startsWith('~/')) return `"$HOME"/${q(p.slice(2))}`;
  return q(p);
}

/**
 * ssh's options for a node (before the target).
 * @param {Cluster} c
 * @param {Node} n
 * @param {{ connectTimeout?: number }} [o]
 */
export function sshOptions(c, n, o = {}) {
  const args = [];
  if (c.sshConfig) args.push('-F', c.sshConfig);
  // ssh keeps the first value it sees: the user's options win over the defaults after them.
  for (const opt of c.sshOptions) args.push('-o', opt);
  args.push('-o', 'BatchMode=yes', '-o', `ConnectTimeout=${o.connectTimeout ?? 15}`, '-o', 'ServerAliveInterval=15');
  if (!c.sshConfig) args.push('-o', 'StrictHostKeyChecking=accept-new');
  if (c.identityFile) args.push('-i', c.identityFile, '-o', 'IdentitiesOnly=yes');
  if (n.port) args.push('-p', String(n.port));
  return args;
}

/**
 * What an ssh failure means, as an error with what to do; undefined when stderr is not ssh's.
 * @param {Cluster} c
 * @param {Node} n
 * @param {string} stderr
 */
export function sshFailure(c, n, stderr) {
  const said = stderr.trim().split('\n').filter(Boolean).slice(-2).join(' / ');
  if (/Permission denied \(/.test(stderr))
    return new DeployError(`${label(n)} refused the key${c.identityFile ? ` ${c.identityFile}` : ''} (ssh: ${said})`, {
      fix:
        `check "user" (ubuntu on Ubuntu images) and "identityFile" in ${c.path}, or add your public key to ~/.ssh/authorized_keys on that machine ` +
        '(`ssh-copy-id`); deploy/ssh-keys.mjs then adds the cluster key to every node',
    });
  if (/Connection refused/.test(stderr))
    return new DeployError(`${label(n)} is unreachable: nothing answers ssh there (ssh: ${said})`, {
      fix: `check the address and port in ${c.path} and that sshd runs on the machine; a just-started EC2 instance needs a minute (deploy/cluster.mjs status)`,
    });
  if (/timed out|No route to host|Network is unreachable|Connection closed by remote host|Connection reset/.test(stderr))
    return new DeployError(`${label(n)} is unreachable (ssh: ${said})`, {
      fix:
        'check that the machine is up (deploy/cluster.mjs status) and that its firewall or security group lets SSH in from your address ' +
        '(`deploy/cluster.mjs up` updates the rule when your address changed; pass --my-ip if it is detected wrong)',
    });
  if (/Could not resolve hostname/.test(stderr))
    return new DeployError(`${label(n)}: the host name does not resolve (ssh: ${said})`, { fix: `check "public" of node ${n.index} in ${c.path}` });
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr))
    return new DeployError(`${label(n)}: ssh does not trust the host key (ssh: ${said})`, {
      fix: `if the machine was replaced (same address, new instance), remove its old key: ssh-keygen -R ${n.public}`,
    });
  return undefined;
}

/**
 * Run a sh script on a node. Resolves with its output; a nonzero exit is an error naming the
 * node and `what`, unless `check` is false. timeout: milliseconds for the whole command.
 * @param {Cluster} c
 * @param {Node} n
 * @param {string} script
 * @param {{ input?: string, timeout?: number, check?: boolean, what?: string, connectTimeout?: number }} [o]
 * @returns {Promise<{ stdout: string, stderr: string, code: number | null }>}
 */
export async function runOn(c, n, script, o = {}) {
  const timeout = o.timeout ?? 180_000;
  const r = await new Promise((resolve) => {
    const child = spawn(SSH, [...sshOptions(c, n, o), '-T', target(n), script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    // ssh may end before reading its input (refused, unreachable): its exit says why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeout);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: `cannot run ${SSH}: ${e.message}`, code: 255 });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: timedOut ? null : code });
    });
  });
  const out = /** @type {{ stdout: string, stderr: string, code: number | null }} */ (r);
  if (out.code === 0) return out;
  if (out.code === 255 || out.code === null) {
    const e = sshFailure(c, n, out.stderr);
    if (e) throw e;
  }
  if (/^cannot run /.test(out.stderr)) throw new DeployError(out.stderr, { fix: 'install the OpenSSH client (apt-get install -y openssh-client)' });
  if (out.code === null)
    throw new DeployError(`${label(n)}: ${o.what ?? 'a command'} got no answer within ${timeout / 1000} s`, {
      fix: 'the machine or the network is slow or stuck: run it again, or look with deploy/cluster.mjs ssh ' + n.index,
    });
  if (o.check === false) return out;
  const tail = (out.stderr.trim() || out.stdout.trim()).split('\n').slice(-6).join('\n    ');
  throw new DeployError(`${label(n)}: ${o.what ?? 'a command'} failed (exit code ${out.code})${tail ? `:\n    ${tail}` : ''}`, {
    fix: `look at the node with deploy/cluster.mjs ssh ${n.index}`,
  });
}

/**
 * Start ssh with extra arguments (a tunnel, an interactive shell, a pipe) and return the child.
 * @param {Cluster} c
 * @param {Node} n
 * @param {string[]} extra options before the target
 * @param {string[]} rest after the target (a command)
 * @param {import('node:child_process').StdioOptions} stdio
 */
export function spawnSsh(c, n, extra, rest, stdio) {
  return spawn(SSH, [...sshOptions(c, n), ...extra, target(n), ...rest], { stdio });
}

/**
 * Run `fn` for every node at once; all finish (or fail) before this settles, and the first
 * error (in node order) is thrown after the others are reported.
 * @template T
 * @param {Node[]} nodes
 * @param {(n: Node) => Promise<T>} fn
 * @returns {Promise<T[]>}
 */
export async function eachNode(nodes, fn) {
  const rs = await Promise.allSettled(nodes.map(fn));
  const failed = rs.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failed.length > 1) for (const e of failed.slice(1)) console.error(`also: ${e instanceof Error ? e.message : String(e)}`);
  if (failed.length > 0) throw failed[0];
  return rs.map((r) => /** @type {PromiseFulfilledResult<T>} */ (r).value);
}
