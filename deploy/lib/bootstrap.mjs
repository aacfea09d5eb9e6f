// @ts-check
/**
 * Bootstrap: make every node able to run tsdask, the same way on EC2 and on machines you have.
 *
 *   node      Node.js >= 20.19 on the PATH, else ~/.tsdask/node (downloaded there from
 *             nodejs.org, or copied from this machine when it runs the same OS and CPU)
 *   tsdask    "tsdask": { "command": ... } from hosts.json when it is installed already; else
 *             this checkout packed (`npm pack`), copied (skipped when identical) and installed
 *             with npm into ~/.tsdask/app
 *   wrappers  ~/.tsdask/bin/tsdask and ~/.tsdask/bin/node: what `start` runs on every node
 *
 * Each step checks first and does nothing when it is done already, so bootstrap runs again
 * safely (after an interruption, or on a node added later).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { DeployError } from './errors.mjs';
import { formatBytes, say, step } from './progress.mjs';
import { eachNode, label, q, runOn, spawnSsh } from './ssh.mjs';

/** @typedef {import('./hosts.mjs').Cluster} Cluster */
/** @typedef {import('./hosts.mjs').Node} Node */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The version of tsdask this kit deploys. */
export const TSDASK_VERSION = /** @type {{ version: string }} */ (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))).version;
const MIN_NODE = [20, 19];

/** @param {string} v e.g. v20.19.0 */
const nodeOk = (v) => {
  const m = /^v(\d+)\.(\d+)/.exec(v.trim());
  return m !== null && (Number(m[1]) > MIN_NODE[0] || (Number(m[1]) === MIN_NODE[0] && Number(m[2]) >= MIN_NODE[1]));
};

/** What a node has: OS, CPU, home, a usable node. */
const PROBE = `echo "os $(uname -s)"
echo "arch $(uname -m)"
echo "home $HOME"
for n in "$HOME/.tsdask/node/bin/node" "$(command -v node 2>/dev/null)"; do
  if [ -n "$n" ] && [ -x "$n" ]; then echo "node $n $("$n" --version 2>/dev/null)"; fi
done
echo "app $(cat "$HOME/.tsdask/app/.tsdask-sha256" 2>/dev/null)"`;

/** uname -m -> nodejs.org's name and process.arch's. */
const ARCH = /** @type {Record<string, string>} */ ({ x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64' });

/**
 * Download Node.js into ~/.tsdask/node on the node itself (EC2 machines have the internet).
 * @param {string} version
 * @param {string} arch
 */
const DOWNLOAD_NODE = (version, arch) => `set -e
u=https://nodejs.org/dist/${version}/node-${version}-linux-${arch}.tar.xz
mkdir -p "$HOME/.tsdask/node.tmp"
if command -v curl > /dev/null; then curl -fsSL --max-time 300 "$u"; elif command -v wget > /dev/null; then wget -qO- --timeout=300 "$u"; else echo "neither curl nor wget" >&2; exit 7; fi \\
  | tar -xJf - --strip-components=1 -C "$HOME/.tsdask/node.tmp"
rm -rf "$HOME/.tsdask/node"; mv "$HOME/.tsdask/node.tmp" "$HOME/.tsdask/node"
"$HOME/.tsdask/node/bin/node" --version`;

/**
 * Send a local file to a path on a node (stdin of `cat`), creating its folder.
 * @param {Cluster} c
 * @param {Node} n
 * @param {string} local
 * @param {string} remote sh expression, e.g. "$HOME/.tsdask/x"
 * @param {string} mode chmod mode
 */
function sendFile(c, n, local, remote, mode) {
  return new Promise((res, rej) => {
    const child = spawnSsh(
      c,
      n,
      ['-T'],
      [`set -e; mkdir -p "$(dirname "${remote}")"; cat > "${remote}.part"; chmod ${mode} "${remote}.part"; mv "${remote}.part" "${remote}"`],
      ['pipe', 'ignore', 'pipe'],
    );
    let err = '';
    child.stderr?.on('data', (b) => (err += b));
    child.on('error', rej);
    child.on('close', (code) =>
      code === 0
        ? res(undefined)
        : rej(
            new DeployError(`${label(n)}: copying ${local} failed (exit code ${code}): ${err.trim()}`, {
              fix: 'check free disk space there, then run bootstrap again',
            }),
          ),
    );
    child.stdin?.end(readFileSync(local));
  });
}

/**
 * Make sure the node has a usable Node.js; returns its path there.
 * @param {Cluster} c
 * @param {Node} n
 * @param {{ os: string, arch: string, nodes: { path: string, version: string }[] }} probe
 */
async function ensureNode(c, n, probe) {
  const good = probe.nodes.find((x) => nodeOk(x.version));
  if (good) {
    say(n, `Node.js ${good.version} at ${good.path}`);
    return good.path;
  }
  const old = probe.nodes.length > 0 ? ` (found ${probe.nodes.map((x) => `${x.version || '?'} at ${x.path}`).join(', ')}: too old)` : '';
  if (probe.os !== 'Linux')
    throw new DeployError(`${label(n)} runs ${probe.os}: bootstrap installs Node.js on Linux only${old}`, {
      fix: 'install Node.js 20.19 or newer there yourself',
    });
  const arch = ARCH[probe.arch];
  if (arch === undefined)
    throw new DeployError(`${label(n)}: no Node.js build for CPU ${probe.arch}${old}`, { fix: 'install Node.js 20.19 or newer there yourself' });
  say(n, `installing Node.js ${process.version} into ~/.tsdask/node${old}`);
  const dl = await runOn(c, n, DOWNLOAD_NODE(process.version, arch), { check: false, timeout: 400_000, what: 'downloading Node.js' });
  if (dl.code === 0 && nodeOk(dl.stdout)) {
    say(n, `Node.js ${dl.stdout.trim()} downloaded from nodejs.org`);
    return '$HOME/.tsdask/node/bin/node';
  }
  // Offline node: this machine's own node binary works there when OS and CPU match.
  if (process.platform === 'linux' && process.arch === arch) {
    say(n, `nodejs.org not reachable from there (${dl.stderr.trim().split('\n').pop() ?? ''}): copying this machine's node instead`);
    await sendFile(c, n, process.execPath, '$HOME/.tsdask/node/bin/node', '755');
    return '$HOME/.tsdask/node/bin/node';
  }
  throw new DeployError(`${label(n)}: could not download Node.js from nodejs.org (${dl.stderr.trim().split('\n').pop() ?? 'no output'})`, {
    fix: 'give the machine internet access (a NAT gateway or a public IP), or install Node.js 20.19 or newer there yourself',
  });
}

/** @type {Promise<{ file: string, sha256: string, dir: string }> | undefined} */
let packed;
/** This checkout as an npm tarball, made once per run (dist/ must be built: npm run build). */
function packOnce() {
  packed ??= (async () => {
    if (!readdirSync(ROOT).includes('dist')) throw new DeployError(`${ROOT}dist is missing: tsdask is not built`, { fix: `run npm run build in ${ROOT}` });
    const dir = mkdtempSync(join(tmpdir(), 'tsdask-pack-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    // --ignore-scripts: `prepare` would rebuild; dist/ is what gets deployed.
    const r = await $({ cwd: ROOT, quiet: true, nothrow: true })`npm pack --ignore-scripts --pack-destination ${dir}`;
    if (r.exitCode !== 0)
      throw new DeployError(`npm pack failed in ${ROOT}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`, {
        fix: 'fix the error, or install tsdask on the nodes yourself and set "tsdask": { "command": ... } in hosts.json',
      });
    const file = join(dir, r.stdout.trim().split('\n').pop() ?? '');
    return { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), dir };
  })();
  return packed;
}

/**
 * The shell command that runs tsdask on the node.
 * @param {Cluster} c
 * @param {Node} n
 * @param {string} node
 * @param {string} appSha sha256 of the tarball installed there, or ''
 */
async function ensureTsdask(c, n, node, appSha) {
  if (c.tsdaskCommand !== undefined) {
    say(n, `tsdask installed already: ${c.tsdaskCommand}`);
    return c.tsdaskCommand;
  }
  const pkg = await packOnce();
  const cmd = `"${node}" "$HOME/.tsdask/app/node_modules/tsdask/bin/tsdask.js"`;
  if (appSha === pkg.sha256) {
    say(n, `tsdask ${TSDASK_VERSION} installed already in ~/.tsdask/app`);
    return cmd;
  }
  const size = readFileSync(pkg.file).length;
  say(n, `copying tsdask ${TSDASK_VERSION} (${formatBytes(size)}) and installing it with npm into ~/.tsdask/app`);
  await sendFile(c, n, pkg.file, '$HOME/.tsdask/tsdask.tgz', '644');
  const bin = node.replace(/\/node$/, '');
  await runOn(
    c,
    n,
    `set -e
export PATH="${bin}:$PATH"
command -v npm > /dev/null || { echo "npm is missing next to ${node} (apt-get install -y npm)" >&2; exit 9; }
mkdir -p "$HOME/.tsdask/app"; cd "$HOME/.tsdask/app"
[ -f package.json ] || echo '{ "private": true }' > package.json
npm install --omit=dev --no-audit --no-fund --loglevel=error "$HOME/.tsdask/tsdask.tgz"
echo ${pkg.sha256} > .tsdask-sha256`,
    { timeout: 900_000, what: 'npm install of tsdask' },
  );
  return cmd;
}

/**
 * @param {Cluster} c
 * @param {Node} n
 */
async function bootstrapNode(c, n) {
  const p = await runOn(c, n, PROBE, { what: 'looking at the machine' });
  /** @type {{ os: string, arch: string, home: string, app: string, nodes: { path: string, version: string }[] }} */
  const probe = { os: '', arch: '', home: '', app: '', nodes: [] };
  for (const line of p.stdout.split('\n')) {
    const [k, ...rest] = line.split(' ');
    if (k === 'node') probe.nodes.push({ path: rest[0], version: rest[1] ?? '' });
    else if (k === 'os' || k === 'arch' || k === 'home' || k === 'app') probe[k] = rest.join(' ');
  }
  say(n, `reachable: ${probe.os} ${probe.arch}, home ${probe.home}`);
  const node = await ensureNode(c, n, probe);
  const tsdask = await ensureTsdask(c, n, node, probe.app);
  // Quoted here-documents: the wrappers keep "$HOME" and "$@" for when they run.
  const r = await runOn(
    c,
    n,
    `set -e
mkdir -p "$HOME/.tsdask/bin"
cat > "$HOME/.tsdask/bin/node" <<'TSDASK_EOF'
#!/bin/sh
exec ${node.startsWith('$HOME') ? `"${node}"` : q(node)} "$@"
TSDASK_EOF
cat > "$HOME/.tsdask/bin/tsdask" <<'TSDASK_EOF'
#!/bin/sh
exec ${tsdask} "$@"
TSDASK_EOF
chmod 755 "$HOME/.tsdask/bin/node" "$HOME/.tsdask/bin/tsdask"
"$HOME/.tsdask/bin/tsdask" version`,
    { what: 'checking tsdask runs' },
  );
  const version = r.stdout.trim().split('\n').pop() ?? '';
  if (version !== TSDASK_VERSION) say(n, `warning: tsdask there is ${version}, here ${TSDASK_VERSION}: run the same version everywhere`);
  say(n, `bootstrapped: ~/.tsdask/bin/tsdask (tsdask ${version})`);
}

/** @param {Cluster} c */
export async function bootstrap(c) {
  step(`bootstrap ${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'}: Node.js, tsdask, ~/.tsdask/bin`);
  await eachNode(c.nodes, (n) => bootstrapNode(c, n));
}
