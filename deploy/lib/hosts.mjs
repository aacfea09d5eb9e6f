// @ts-check
/**
 * `deploy/hosts.json`: the cluster's machines, scheduler first. `cluster.mjs up` writes it for
 * EC2; for machines that already exist, write it by hand (API.md):
 *
 *   { "user": "ubuntu", "identityFile": "~/.ssh/vockey.pem",
 *     "scheduler": { "public": "54.1.2.3", "private": "172.31.5.6" },
 *     "workers": [{ "public": "54.1.2.4", "private": "172.31.5.7" }, ...] }
 *
 * `public` is what ssh from this machine reaches; `private` is how the nodes reach each other
 * (default: the same). Optional, per node: "user", "port" (sshd), "name". Optional, for all:
 * "sshConfig" (ssh -F), "sshOptions" (ssh -o K=V list), "port", "tsdask" ({ "command": how
 * tsdask runs on the hosts when it is installed already }), "schedulerPort" (8786),
 * "dashboardPort" (8787), "notebookPort" (8888), "nworkers" (2), "nthreads" (4),
 * "memoryLimit", "cluster" (a name), "ec2" (written by `up`). Relative paths are relative to
 * the file's folder; `~` is your home.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeployError, messageOf } from './errors.mjs';

/** deploy/hosts.json next to the scripts, wherever they are run from. */
export const DEFAULT_HOSTS = fileURLToPath(new URL('../hosts.json', import.meta.url));

/**
 * @typedef {object} Node
 * @property {number} index 1 for the scheduler, then 2, 3, ... (what `cluster.mjs ssh N` takes)
 * @property {'scheduler' | 'worker'} role
 * @property {string} name
 * @property {string} public what ssh from this machine connects to
 * @property {string} private what the other nodes connect to
 * @property {string | undefined} user
 * @property {number | undefined} port the sshd port
 * @property {string | undefined} instanceId
 */

/**
 * @typedef {object} Cluster
 * @property {string} path the hosts.json file
 * @property {string} name
 * @property {string | undefined} identityFile absolute path
 * @property {string | undefined} sshConfig absolute path
 * @property {string[]} sshOptions
 * @property {Node[]} nodes scheduler first
 * @property {string | undefined} tsdaskCommand
 * @property {number} schedulerPort
 * @property {number} dashboardPort
 * @property {number} notebookPort
 * @property {number} nworkers
 * @property {number} nthreads
 * @property {string | undefined} memoryLimit
 * @property {Record<string, unknown> | undefined} ec2
 */

/**
 * `~/x` -> your home; relative -> relative to `base`.
 * @param {string} p
 * @param {string} base
 */
export function localPath(p, base) {
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(base, p);
}

/**
 * JSON.parse with the line and column of a syntax error.
 * @param {string} text
 * @param {string} path
 * @returns {unknown}
 */
function parseJson(text, path) {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = messageOf(e);
    const m = /position (\d+)/.exec(msg);
    let where = '';
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      where = `:${line}:${Number(m[1]) - before.lastIndexOf('\n')}`;
    }
    throw new DeployError(`${path}${where}: not valid JSON (${msg})`, {
      fix: 'fix the file (a trailing comma or a missing quote is the usual cause), or delete it and run `deploy/cluster.mjs up` again',
    });
  }
}

/** @param {unknown} x @returns {x is Record<string, unknown>} */
const isObject = (x) => typeof x === 'object' && x !== null && !Array.isArray(x);

const EXAMPLE =
  '{ "user": "ubuntu", "identityFile": "~/.ssh/key.pem", "scheduler": { "public": "54.1.2.3", "private": "172.31.5.6" }, "workers": [{ "public": "54.1.2.4" }] }';

/**
 * @param {string} path
 * @param {string} field
 * @param {string} what
 * @param {unknown} got
 */
function bad(path, field, what, got) {
  return new DeployError(`${path}: ${field} must be ${what}, got ${JSON.stringify(got)}`, { fix: `write it like ${EXAMPLE}` });
}

/**
 * @param {Record<string, unknown>} o
 * @param {string} key
 * @param {string} path
 * @param {string} field
 * @returns {string | undefined}
 */
function optString(o, key, path, field) {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(path, field, 'a non-empty string', v);
  return v;
}

/**
 * @param {Record<string, unknown>} o
 * @param {string} key
 * @param {string} path
 * @param {string} field
 * @param {number} fallback
 * @param {number} [min]
 */
function optInt(o, key, path, field, fallback, min = 1) {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 65535) throw bad(path, field, `a whole number from ${min} to 65535`, v);
  return v;
}

/**
 * A node entry: { public, private?, user?, port?, name?, instanceId? } or "user@host:port".
 * @param {unknown} v
 * @param {string} path
 * @param {string} field
 * @param {number} index
 * @param {string | undefined} defaultUser
 * @param {number | undefined} defaultPort
 * @returns {Node}
 */
function readNode(v, path, field, index, defaultUser, defaultPort) {
  const role = index === 1 ? 'scheduler' : 'worker';
  if (typeof v === 'string') {
    const m = /^(?:([^@\s]+)@)?([^@:\s]+|\[[^\]]+\])(?::(\d+))?$/.exec(v);
    if (m === null) throw bad(path, field, 'an object { "public": ... } or "user@host[:port]"', v);
    const host = m[2].replace(/^\[|\]$/g, '');
    return {
      index,
      role,
      name: `node${index}`,
      public: host,
      private: host,
      user: m[1] ?? defaultUser,
      port: m[3] ? Number(m[3]) : defaultPort,
      instanceId: undefined,
    };
  }
  if (!isObject(v)) throw bad(path, field, 'an object with "public" (the address ssh reaches)', v);
  const pub = optString(v, 'public', path, `${field}.public`);
  if (pub === undefined)
    throw new DeployError(`${path}: ${field}.public is missing`, { fix: `give the address ssh from this machine reaches, e.g. ${EXAMPLE}` });
  return {
    index,
    role,
    name: optString(v, 'name', path, `${field}.name`) ?? `node${index}`,
    public: pub,
    private: optString(v, 'private', path, `${field}.private`) ?? pub,
    user: optString(v, 'user', path, `${field}.user`) ?? defaultUser,
    port: v.port === undefined ? defaultPort : optInt(v, 'port', path, `${field}.port`, 22),
    instanceId: optString(v, 'instanceId', path, `${field}.instanceId`),
  };
}

/**
 * Read and check a hosts.json.
 * @param {string} path
 * @returns {Cluster}
 */
export function readHosts(path) {
  if (!existsSync(path))
    throw new DeployError(`${path} does not exist`, {
      fix: `run \`deploy/cluster.mjs up\` to create EC2 machines, or write it by hand for machines you have: ${EXAMPLE}`,
    });
  const raw = parseJson(readFileSync(path, 'utf8'), path);
  if (!isObject(raw)) throw bad(path, 'the file', 'a JSON object', raw);
  const base = dirname(path);
  const user = optString(raw, 'user', path, 'user');
  const port = raw.port === undefined ? undefined : optInt(raw, 'port', path, 'port', 22);
  if (raw.scheduler === undefined) throw new DeployError(`${path}: "scheduler" is missing`, { fix: `name the machine that runs the scheduler: ${EXAMPLE}` });
  const workers = raw.workers ?? [];
  if (!Array.isArray(workers)) throw bad(path, 'workers', 'a list of machines', workers);
  const nodes = [readNode(raw.scheduler, path, 'scheduler', 1, user, port), ...workers.map((w, i) => readNode(w, path, `workers[${i}]`, i + 2, user, port))];
  const seen = new Map();
  for (const n of nodes) {
    const key = `${n.user ?? ''}@${n.public}:${n.port ?? 22}`;
    if (seen.has(key))
      throw new DeployError(`${path}: node ${n.index} (${n.public}) is listed twice (also node ${seen.get(key)})`, { fix: 'list each machine once' });
    seen.set(key, n.index);
  }
  const sshOptions = raw.sshOptions ?? [];
  if (!Array.isArray(sshOptions) || sshOptions.some((o) => typeof o !== 'string' || !/^\w+=/.test(o)))
    throw bad(path, 'sshOptions', 'a list of "Key=value" strings (ssh -o)', sshOptions);
  let tsdaskCommand;
  if (raw.tsdask !== undefined) {
    if (!isObject(raw.tsdask)) throw bad(path, 'tsdask', 'an object { "command": "..." }', raw.tsdask);
    tsdaskCommand = optString(raw.tsdask, 'command', path, 'tsdask.command');
  }
  const identityFile = optString(raw, 'identityFile', path, 'identityFile');
  const sshConfig = optString(raw, 'sshConfig', path, 'sshConfig');
  const memoryLimit = raw.memoryLimit === undefined ? undefined : String(raw.memoryLimit);
  if (raw.ec2 !== undefined && !isObject(raw.ec2)) throw bad(path, 'ec2', 'an object', raw.ec2);
  return {
    path,
    name: optString(raw, 'cluster', path, 'cluster') ?? 'tsdask',
    identityFile: identityFile === undefined ? undefined : localPath(identityFile, base),
    sshConfig: sshConfig === undefined ? undefined : localPath(sshConfig, base),
    sshOptions: /** @type {string[]} */ (sshOptions),
    nodes,
    tsdaskCommand,
    schedulerPort: optInt(raw, 'schedulerPort', path, 'schedulerPort', 8786),
    dashboardPort: optInt(raw, 'dashboardPort', path, 'dashboardPort', 8787),
    notebookPort: optInt(raw, 'notebookPort', path, 'notebookPort', 8888),
    nworkers: optInt(raw, 'nworkers', path, 'nworkers', 2),
    nthreads: optInt(raw, 'nthreads', path, 'nthreads', 4),
    memoryLimit,
    ec2: isObject(raw.ec2) ? raw.ec2 : undefined,
  };
}

/**
 * Write hosts.json (what `up` found or made).
 * @param {string} path
 * @param {Record<string, unknown>} data
 */
export function writeHosts(path, data) {
  writeFileSync(path, JSON.stringify(data, null, 2) + '\n');
}

/**
 * The node `cluster.mjs ssh N` means: 1-based index or name.
 * @param {Cluster} c
 * @param {string | undefined} which
 */
export function pickNode(c, which) {
  if (which === undefined)
    throw new DeployError('which node? give its number (1 is the scheduler) or name', {
      fix: `e.g. deploy/cluster.mjs ssh 2 (${c.nodes.length} nodes in ${c.path})`,
    });
  const n = /^\d+$/.test(which) ? c.nodes[Number(which) - 1] : c.nodes.find((x) => x.name === which);
  if (n === undefined)
    throw new DeployError(`${c.path} has no node '${which}'`, {
      fix: `nodes are 1..${c.nodes.length}: ${c.nodes.map((x) => `${x.index} ${x.name} (${x.public})`).join(', ')}`,
    });
  return n;
}

/**
 * Where the cluster's token is kept: next to hosts.json, readable by you only.
 * @param {Cluster} c
 */
export const tokenPath = (c) => c.path.replace(/\.json$/, '') + '.token';
