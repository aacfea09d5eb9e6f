// @ts-check
/**
 * Copy files and folders to every node under the same path (`~/data` means each node's own
 * home), all nodes at once: each node says which of the files it already has (sha256), gets
 * the others as one tar stream over ssh, then every file's checksum is compared again.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DeployError, messageOf } from './errors.mjs';
import { formatBytes, say, step } from './progress.mjs';
import { eachNode, label, q, remotePath, runOn, spawnSsh } from './ssh.mjs';

/** @typedef {import('./hosts.mjs').Cluster} Cluster */
/** @typedef {import('./hosts.mjs').Node} Node */
/** @typedef {{ rel: string, base: string, abs: string, size: number, sha256: string }} LocalFile */

/**
 * The files to copy, named relative to the destination: a file by its name, a folder by its
 * name and everything under it (as `cp -r`/`scp -r` place them).
 * @param {string[]} sources
 * @returns {Promise<LocalFile[]>}
 */
export async function inventory(sources) {
  if (sources.length === 0)
    throw new DeployError('no files given', { fix: 'name files or folders: deploy/copy-data.mjs data/questions.csv data/tags/ [--dest ~/data]' });
  /** @type {LocalFile[]} */
  const files = [];
  /** @param {string} base @param {string} rel */
  const add = (base, rel) => {
    const abs = join(base, rel);
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) {
      const t = statSync(abs, { throwIfNoEntry: false });
      if (t === undefined) throw new DeployError(`${abs} is a broken symbolic link`, { fix: 'remove it or copy what it should point to' });
    }
    const real = statSync(abs);
    if (real.isDirectory()) {
      for (const e of readdirSync(abs).sort()) add(base, join(rel, e));
      return;
    }
    if (!real.isFile()) throw new DeployError(`${abs} is neither a file nor a folder`, { fix: 'copy regular files and folders only' });
    if (/[\n\\]/.test(rel)) throw new DeployError(`${abs}: file names with a newline or a backslash are not supported`, { fix: 'rename the file' });
    files.push({ rel, base, abs, size: real.size, sha256: '' });
  };
  for (const src of sources) {
    const abs = resolve(src.replace(/\/+$/, '') || '/');
    const st = statSync(abs, { throwIfNoEntry: false });
    if (st === undefined) throw new DeployError(`${src} does not exist (here: ${process.cwd()})`, { fix: 'check the path' });
    add(dirname(abs), basename(abs));
  }
  const seen = new Map();
  for (const f of files) {
    if (seen.has(f.rel))
      throw new DeployError(`two sources would land at the same place, ${f.rel}: ${seen.get(f.rel)} and ${f.abs}`, {
        fix: 'copy them in two runs with different --dest',
      });
    seen.set(f.rel, f.abs);
  }
  await Promise.all(files.map(async (f) => (f.sha256 = await sha256(f.abs))));
  return files;
}

/** @param {string} path @returns {Promise<string>} */
function sha256(path) {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => res(h.digest('hex')))
      .on('error', rej);
  });
}

/**
 * Prints `HASH  PATH` for each path read on stdin that exists under the destination.
 * @param {string} dest
 */
const manifestScript = (dest) => `d=${remotePath(dest)}
[ -d "$d" ] || exit 0
cd "$d" || exit 4
if command -v sha256sum > /dev/null; then h=sha256sum; else h='shasum -a 256'; fi
while IFS= read -r p; do
  if [ -f "$p" ]; then $h "$p"; fi
done`;

/**
 * The node's sha256 of each file it has, by relative name.
 * @param {Cluster} c
 * @param {Node} n
 * @param {string} dest
 * @param {LocalFile[]} files
 */
async function remoteHashes(c, n, dest, files) {
  const r = await runOn(c, n, manifestScript(dest), { input: files.map((f) => f.rel).join('\n') + '\n', what: `reading checksums under ${dest}` });
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.*)$/.exec(line);
    if (m) out.set(m[2], m[1]);
  }
  return out;
}

/**
 * Send `files` to the node as one tar stream, reporting progress now and then.
 * @param {Cluster} c
 * @param {Node} n
 * @param {string} dest
 * @param {LocalFile[]} files
 */
function sendTar(c, n, dest, files) {
  const total = files.reduce((a, f) => a + f.size, 0);
  /** @type {string[]} */
  const args = ['-cf', '-'];
  for (const f of files) args.push('-C', f.base, f.rel);
  // COPYFILE_DISABLE: macOS tar would add ._ files for extended attributes.
  const tar = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COPYFILE_DISABLE: '1' } });
  const d = remotePath(dest);
  const ssh = spawnSsh(c, n, ['-T'], [`mkdir -p ${d} && tar -xf - --no-same-owner -C ${d}`], ['pipe', 'ignore', 'pipe']);
  let sent = 0;
  let lastReport = Date.now();
  let tarErr = '';
  let sshErr = '';
  tar.stderr.on('data', (b) => (tarErr += b));
  ssh.stderr?.on('data', (b) => (sshErr += b));
  tar.stdout.on('data', (/** @type {Buffer} */ b) => {
    sent += b.length;
    if (Date.now() - lastReport > 2000 && total > 0) {
      lastReport = Date.now();
      say(n, `copying: ${Math.min(100, Math.round((100 * sent) / total))}% (${formatBytes(Math.min(sent, total))} of ${formatBytes(total)})`);
    }
  });
  ssh.stdin?.on('error', () => undefined); // ssh gone: its exit says why
  if (ssh.stdin) tar.stdout.pipe(ssh.stdin);
  const ended = (/** @type {import('node:child_process').ChildProcess} */ p) =>
    new Promise((res) => {
      p.on('error', (e) => res(`cannot run ${p === tar ? 'tar' : 'ssh'}: ${messageOf(e)}`));
      p.on('close', (code) => res(code));
    });
  return Promise.all([ended(tar), ended(ssh)]).then(([t, s]) => {
    if (t !== 0) throw new DeployError(`tar could not read the files to send (${t}): ${tarErr.trim()}`, { fix: 'check that the files are readable' });
    if (s !== 0) {
      throw new DeployError(
        `${label(n)}: copying to ${dest} failed (${s === 255 ? 'ssh failed' : `exit code ${s}`}): ${sshErr.trim().split('\n').slice(-3).join(' / ')}`,
        {
          fix: `check free space and permissions under ${dest} there (deploy/cluster.mjs ssh ${n.index}), then run the copy again: files already there are skipped`,
        },
      );
    }
  });
}

/**
 * @param {Cluster} c
 * @param {string[]} sources
 * @param {string} dest
 * @returns {Promise<{ node: number, copied: number, identical: number }[]>}
 */
export async function copyData(c, sources, dest) {
  if (dest.includes('\n') || dest === '') throw new DeployError(`--dest ${JSON.stringify(dest)} is not a usable path`, { fix: 'e.g. --dest ~/data' });
  const files = await inventory(sources);
  const total = files.reduce((a, f) => a + f.size, 0);
  step(`${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(total)}) to ${dest} on ${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'}`);
  return eachNode(c.nodes, async (n) => {
    const before = await remoteHashes(c, n, dest, files);
    const need = files.filter((f) => before.get(f.rel) !== f.sha256);
    if (need.length === 0) say(n, `all ${files.length} files identical already (sha256): nothing to copy`);
    else {
      const bytes = need.reduce((a, f) => a + f.size, 0);
      say(
        n,
        `copying ${need.length} of ${files.length} files (${formatBytes(bytes)})${need.length < files.length ? `; ${files.length - need.length} identical already` : ''}`,
      );
      await sendTar(c, n, dest, need);
    }
    const after = need.length === 0 ? before : await remoteHashes(c, n, dest, files);
    const bad = files.filter((f) => after.get(f.rel) !== f.sha256);
    if (bad.length > 0)
      throw new DeployError(
        `${label(n)}: after copying, ${bad.length} file${bad.length === 1 ? '' : 's'} under ${dest} differ from here: ${bad
          .slice(0, 5)
          .map((f) => `${f.rel} (${after.has(f.rel) ? 'different sha256' : 'missing'})`)
          .join(', ')}`,
        { fix: `something else writes there, or the disk is full: look with deploy/cluster.mjs ssh ${n.index} (df -h ${q(dest)}), then copy again` },
      );
    say(n, `done: ${need.length} copied, ${files.length - need.length} identical; sha256 of all ${files.length} files verified`);
    return { node: n.index, copied: need.length, identical: files.length - need.length };
  });
}
