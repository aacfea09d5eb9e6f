#!/usr/bin/env node
// @ts-check
/**
 * deploy/cluster.mjs: a tsdask cluster from nothing, on EC2 or on machines you have.
 *
 *   up [--count 3] [--type t3.large] [--region R] [--key-name K]   EC2 machines + bootstrap + start
 *   bootstrap                 Node.js and tsdask on every node of hosts.json
 *   start | stop              scheduler on node 1, workers on the others
 *   status                    machines (EC2) and what runs on them
 *   ssh N [-- command]        a shell (or a command) on node N (1 is the scheduler)
 *   tunnel                    dashboard, scheduler and notebook ports of node 1 on localhost
 *   down                      terminate the EC2 machines, delete their security group and key
 *
 * Run `deploy/cluster.mjs help` for the options.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { $ } from 'zx';
import { parseOptions, intOption, strOption } from './lib/args.mjs';
import { bootstrap } from './lib/bootstrap.mjs';
import * as ec2lib from './lib/ec2.mjs';
import { dashboardLoginLink } from './lib/dashboard-login.mjs';
import { DeployError, runMain } from './lib/errors.mjs';
import { DEFAULT_HOSTS, localPath, pickNode, readHosts, tokenPath, writeHosts } from './lib/hosts.mjs';
import { say, step } from './lib/progress.mjs';
import { processStatus, start, stop } from './lib/services.mjs';
import { label, runOn, spawnSsh } from './lib/ssh.mjs';

const USAGE = `usage: deploy/cluster.mjs COMMAND [options]

commands:
  up          EC2: default VPC, an Ubuntu LTS image, a security group (all TCP between its
              members; SSH and the dashboard from your address only), instances tagged with
              the cluster name; waits until they run, writes hosts.json (scheduler first),
              then bootstraps and starts the cluster. Twice launches nothing new.
  bootstrap   Node.js and tsdask on every node (checks first; safe to run again)
  start       scheduler on node 1, workers on the others, with a generated token
  stop        stop workers and scheduler (the machines keep running)
  status      the EC2 instances and what runs on every node
  ssh N       ssh to node N (1 = scheduler); after -- a command to run there
  tunnel      forward the dashboard, scheduler and notebook ports of node 1 to localhost
  down        terminate the instances, wait, delete the security group and the key pair

options:
  --hosts FILE        hosts.json to read or write (default deploy/hosts.json)
  --name NAME         cluster name, the value of the tsdask:cluster tag (default: hosts.json's, else tsdask)
  --region R          AWS region (default: AWS_REGION, the profile's, or hosts.json's)
up:
  --count 3           machines (1 scheduler + workers)
  --type t3.large     instance type
  --key-name K        an existing EC2 key pair (with --identity its private key file); default:
                      the kit makes NAME-key next to hosts.json and imports it
  --identity FILE     private key for --key-name (default ~/.ssh/K.pem)
  --my-ip ADDR        your public address or range for the SSH and dashboard rules (default:
                      asked from checkip.amazonaws.com)
  --image ami-...     instead of the newest Ubuntu LTS from Canonical
  --disk 20           root volume, GB
  --nworkers 2 --nthreads 4   worker processes per node, threads per process
  --no-bootstrap      stop after writing hosts.json (then: bootstrap, start)
status:
  --no-ssh            EC2 only, do not log in to the nodes
tunnel:
  --dashboard-port P --scheduler-port P --notebook-port P   local ports (default: the same as remote)`;

/** @param {Record<string, unknown>} o */
const hostsPath = (o) => localPath(strOption(o, 'hosts') ?? DEFAULT_HOSTS, process.cwd());

/** @param {string} path @returns {Record<string, unknown> | undefined} */
function rawHosts(path) {
  if (!existsSync(path)) return undefined;
  readHosts(path); // checks it, with errors naming the field
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** @param {string} name */
function checkName(name) {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(name))
    throw new DeployError(`cluster name '${name}' is not usable`, { fix: 'letters, digits and -, up to 40 characters: --name my-cluster' });
  return name;
}

const pollMs = () => Number(process.env.TSDASK_DEPLOY_POLL_MS || 5000);

/** @param {Record<string, unknown>} o */
async function up(o) {
  const path = hostsPath(o);
  const existing = rawHosts(path);
  const ec2Info = /** @type {Record<string, unknown> | undefined} */ (existing?.ec2);
  if (existing && !ec2Info)
    throw new DeployError(`${path} lists machines written by hand (it has no "ec2" section): up would replace it`, {
      fix: 'for an EC2 cluster pass another file (--hosts deploy/ec2-hosts.json), or move this one away',
    });
  const name = checkName(strOption(o, 'name') ?? /** @type {string | undefined} */ (existing?.cluster) ?? 'tsdask');
  const count = intOption(o, 'count', 3);
  if (count < 1) throw new DeployError('--count must be at least 1', { fix: 'e.g. --count 3 (1 scheduler + 2 workers)' });
  const type = strOption(o, 'type') ?? String(ec2Info?.instanceType ?? 't3.large');
  const dashboardPort = Number(existing?.dashboardPort ?? 8787);
  const { ec2, region } = await ec2lib.ec2Client(strOption(o, 'region') ?? /** @type {string | undefined} */ (ec2Info?.region));
  console.log(`cluster ${name}: ${count} x ${type} in ${region}; hosts file ${path}`);

  step('your address (SSH and the dashboard are open to it only)');
  const caller = await ec2lib.callerCidr(strOption(o, 'my-ip'));
  console.log(`  ${caller.cidr}`);

  step(`default VPC in ${region}`);
  const vpcId = await ec2lib.defaultVpc(ec2, region);
  console.log(`  ${vpcId}`);

  step(`image for ${type}`);
  const arch = await ec2lib.architectureOf(ec2, type);
  const imageOpt = strOption(o, 'image');
  const image = imageOpt ? { id: imageOpt, name: imageOpt, root: '/dev/sda1' } : await ec2lib.ubuntuImage(ec2, arch, region);
  console.log(`  ${image.id} ${image.name} (${arch})`);

  step('key pair');
  const dir = dirname(path);
  const givenKey = strOption(o, 'key-name');
  let keyName;
  let identity;
  let keyCreated = false;
  if (givenKey !== undefined) {
    keyName = givenKey;
    if (!(await ec2lib.keyPairExists(ec2, keyName)))
      throw new DeployError(`key pair ${keyName} does not exist in ${region}`, {
        fix: 'create or import it in the EC2 console (Key pairs), or leave out --key-name and the kit makes one',
      });
    identity = localPath(strOption(o, 'identity') ?? `~/.ssh/${keyName}.pem`, process.cwd());
    if (!existsSync(identity))
      throw new DeployError(`the private key of ${keyName} is not at ${identity}`, { fix: 'pass its file: --identity ~/Downloads/my-key.pem (chmod 600 it)' });
    console.log(`  ${keyName} (yours), private key ${identity}`);
  } else {
    keyName = String(ec2Info?.keyName ?? `${name}-key`);
    identity = join(dir, `${name}-key`);
    const remote = await ec2lib.keyPairExists(ec2, keyName);
    if (!existsSync(identity)) {
      if (remote)
        throw new DeployError(`key pair ${keyName} exists in ${region}, but its private key ${identity} is not here`, {
          fix: `if no instance uses it any more: aws ec2 delete-key-pair --key-name ${keyName} --region ${region} (or deploy/cluster.mjs down), then up again; or pass --key-name with --identity`,
        });
      await $({ quiet: true })`ssh-keygen -q -t ed25519 -N ${''} -C ${`tsdask-${name}`} -f ${identity}`;
      console.log(`  made ${identity}`);
    }
    if (!remote) {
      await ec2lib.importKeyPair(ec2, name, keyName, readFileSync(`${identity}.pub`, 'utf8').trim());
      console.log(`  imported it as key pair ${keyName}`);
    } else console.log(`  ${keyName} exists already, private key ${identity}`);
    keyCreated = true;
  }

  step('security group');
  const sgName = String(ec2Info?.securityGroupName ?? `${name}-nodes`);
  const sg = await ec2lib.ensureSecurityGroup(ec2, { cluster: name, name: sgName, vpcId, caller, dashboardPort });
  console.log(`  ${sgName} ${sg.groupId}${sg.created ? ' (created)' : ''}`);
  for (const r of sg.added) console.log(`  + ${r}`);
  for (const r of sg.removed) console.log(`  - ${r} (not wanted any more: removed)`);
  if (sg.added.length === 0 && sg.removed.length === 0) console.log('  rules as wanted already');

  step('instances');
  const found = await ec2lib.findInstances(ec2, name);
  const byIndex = new Map(found.map((i) => [ec2lib.indexOf(i), i]));
  const stopped = found.filter((i) => /stopped|stopping/.test(String(i.State?.Name))).map((i) => String(i.InstanceId));
  if (found.length > 0) console.log(`  found ${found.length}: ${found.map((i) => `node${ec2lib.indexOf(i)} ${i.InstanceId} ${i.State?.Name}`).join(', ')}`);
  if (found.length > count) console.log(`  note: ${found.length} instances but --count ${count}: up does not remove machines (down removes all)`);
  if (stopped.length > 0) {
    console.log(`  starting stopped instances ${stopped.join(', ')}`);
    await ec2lib.startStopped(ec2, stopped);
  }
  const runToken = `${name}-${Date.now().toString(36)}`;
  const diskGb = intOption(o, 'disk', 20);
  for (let index = 1; index <= count; index++) {
    if (byIndex.has(index)) continue;
    const inst = await ec2lib.launch(ec2, {
      cluster: name,
      index,
      imageId: image.id,
      rootDevice: image.root,
      type,
      keyName,
      groupId: sg.groupId,
      diskGb,
      runToken,
    });
    console.log(`  launched node${index}: ${inst.InstanceId} (${inst.State?.Name})`);
    byIndex.set(index, inst);
  }
  if (found.length >= count && stopped.length === 0) console.log(`  all ${count} running already: nothing launched`);
  const ids = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, i]) => String(i.InstanceId));
  const nodeOf = (/** @type {string} */ id) => [...byIndex.entries()].find(([, i]) => i.InstanceId === id)?.[0] ?? '?';

  step('waiting: pending -> running -> status checks passed');
  const insts = await ec2lib.waitRunning(ec2, ids, (id, state) => console.log(`[node ${nodeOf(id)} ${id}] ${state}`), { pollMs: pollMs() });
  const ordered = ids.map((id) => insts.find((i) => i.InstanceId === id)).filter((i) => i !== undefined);
  const entry = (/** @type {import('@aws-sdk/client-ec2').Instance} */ i) => ({
    name: `${name}-node${ec2lib.indexOf(i)}`,
    public: i.PublicIpAddress ?? i.PrivateIpAddress,
    private: i.PrivateIpAddress ?? i.PublicIpAddress,
    instanceId: i.InstanceId,
  });
  const data = {
    ...(existing ?? {}),
    cluster: name,
    user: existing?.user ?? 'ubuntu',
    identityFile: relative(dir, identity).startsWith('..') ? identity : `./${relative(dir, identity)}`,
    scheduler: entry(ordered[0]),
    workers: ordered.slice(1).map(entry),
    ec2: {
      region,
      vpcId,
      securityGroupId: sg.groupId,
      securityGroupName: sgName,
      keyName,
      keyCreated,
      imageId: image.id,
      imageName: image.name,
      instanceType: type,
      callerCidr: caller.cidr,
    },
  };
  if (o.nworkers !== undefined) Object.assign(data, { nworkers: intOption(o, 'nworkers', 2) });
  if (o.nthreads !== undefined) Object.assign(data, { nthreads: intOption(o, 'nthreads', 4) });
  writeHosts(path, data);
  step(`wrote ${path}`);
  for (const i of ordered) console.log(`  node${ec2lib.indexOf(i)} ${i.InstanceId} public ${i.PublicIpAddress ?? '-'} private ${i.PrivateIpAddress ?? '-'}`);

  if (o.bootstrap === false) {
    console.log('next: deploy/cluster.mjs bootstrap && deploy/cluster.mjs start');
    return;
  }
  const c = readHosts(path);
  step('waiting until ssh answers on every node');
  await Promise.all(c.nodes.map((n) => waitReachable(c, n)));
  await bootstrap(c);
  await start(c);
  console.log(`\ncosts: ${count} x ${type} bill by the second while they run (and their disks while they exist): deploy/cluster.mjs down removes everything`);
}

/**
 * Retry `true` over ssh until it works: sshd and the key arrive a little after "running".
 * @param {import('./lib/hosts.mjs').Cluster} c
 * @param {import('./lib/hosts.mjs').Node} n
 */
async function waitReachable(c, n) {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      await runOn(c, n, 'true', { connectTimeout: 10, timeout: 40_000, what: 'the ssh check' });
      say(n, 'reachable over ssh');
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, pollMs()));
    }
  }
}

/** @param {Record<string, unknown>} o */
async function status(o) {
  const path = hostsPath(o);
  const c = existsSync(path) ? readHosts(path) : undefined;
  const region = strOption(o, 'region') ?? /** @type {string | undefined} */ (c?.ec2?.region);
  if (c === undefined && region === undefined)
    throw new DeployError(`${path} does not exist`, { fix: 'run `deploy/cluster.mjs up`, or pass --region and --name to look for EC2 instances' });
  if (region !== undefined || c?.ec2) {
    const name = checkName(strOption(o, 'name') ?? c?.name ?? 'tsdask');
    const { ec2, region: r } = await ec2lib.ec2Client(region);
    step(`EC2 ${r}: instances tagged tsdask:cluster=${name}`);
    const insts = await ec2lib.findInstances(ec2, name);
    if (insts.length === 0) console.log('  none');
    for (const i of insts)
      console.log(
        `  node${ec2lib.indexOf(i)} ${i.InstanceId} ${i.InstanceType} ${i.State?.Name} public ${i.PublicIpAddress ?? '-'} private ${i.PrivateIpAddress ?? '-'}`,
      );
    for (const g of await ec2lib.findSecurityGroups(ec2, name)) {
      console.log(`  security group ${g.GroupName} ${g.GroupId}: inbound`);
      for (const rule of ec2lib.flattenRules(g.IpPermissions ?? [])) console.log(`    ${rule.key}`);
    }
  }
  if (c !== undefined && o.ssh !== false) {
    step(`nodes of ${path}`);
    await processStatus(c);
  }
}

/** @param {Record<string, unknown>} o */
async function down(o) {
  const path = hostsPath(o);
  const c = existsSync(path) ? readHosts(path) : undefined;
  const region = strOption(o, 'region') ?? /** @type {string | undefined} */ (c?.ec2?.region);
  if (c !== undefined && c.ec2 === undefined && strOption(o, 'region') === undefined) {
    console.log(`${path} lists machines written by hand: stopping tsdask on them (the machines stay as they are)`);
    await stop(c);
    return;
  }
  const name = checkName(strOption(o, 'name') ?? c?.name ?? 'tsdask');
  const { ec2, region: r } = await ec2lib.ec2Client(region);
  console.log(`cluster ${name} in ${r}`);
  step('instances');
  const insts = await ec2lib.findInstances(ec2, name);
  if (insts.length === 0) console.log('  none running or stopped');
  await ec2lib.terminate(
    ec2,
    insts.map((i) => String(i.InstanceId)),
    (id, state) => console.log(`[${id}] ${state}`),
    { pollMs: pollMs() },
  );
  step('security group');
  const groups = await ec2lib.findSecurityGroups(ec2, name);
  if (groups.length === 0) console.log('  none');
  for (const g of groups) {
    await ec2lib.deleteSecurityGroup(ec2, String(g.GroupId), { pollMs: pollMs() });
    console.log(`  deleted ${g.GroupName} ${g.GroupId}`);
  }
  step('key pair');
  const keys = await ec2lib.findKeyPairs(ec2, name);
  if (keys.length === 0) console.log('  none made by the kit');
  for (const k of keys) {
    await ec2lib.deleteKeyPair(ec2, String(k.KeyName));
    console.log(`  deleted ${k.KeyName}`);
  }
  if (c?.ec2 && c.name === name) {
    const key = join(dirname(path), `${name}-key`);
    for (const f of [path, tokenPath(c), ...(c.ec2.keyCreated ? [key, `${key}.pub`] : [])])
      if (existsSync(f)) {
        rmSync(f);
        console.log(`  removed ${f}`);
      }
  }
  const left = [
    ...(await ec2lib.findInstances(ec2, name)).map((i) => `instance ${i.InstanceId}`),
    ...(await ec2lib.findSecurityGroups(ec2, name)).map((g) => `security group ${g.GroupId}`),
    ...(await ec2lib.findKeyPairs(ec2, name)).map((k) => `key pair ${k.KeyName}`),
  ];
  if (left.length > 0)
    throw new DeployError(`still there after down: ${left.join(', ')}`, {
      fix: 'run `deploy/cluster.mjs down` again; if it stays, delete them in the EC2 console',
    });
  step(`nothing left tagged tsdask:cluster=${name} in ${r}`);
}

/** @param {Record<string, unknown>} o @param {string[]} rest */
async function ssh(o, rest) {
  const c = readHosts(hostsPath(o));
  const n = pickNode(c, rest[0]);
  const cmd = /** @type {string[]} */ (o['--'] ?? []);
  const tty = cmd.length === 0 && process.stdin.isTTY ? ['-t'] : ['-T'];
  const child = spawnSsh(c, n, tty, cmd.length > 0 ? [cmd.join(' ')] : [], 'inherit');
  return new Promise((res) => child.on('close', (code) => res(code ?? 1)));
}

/** @param {number} port */
const listening = (port) =>
  new Promise((res) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => (s.destroy(), res(true)));
    s.on('error', () => res(false));
  });

/** @param {Record<string, unknown>} o */
async function tunnel(o) {
  const c = readHosts(hostsPath(o));
  const sched = c.nodes[0];
  const ports = [
    { what: 'dashboard', local: intOption(o, 'dashboard-port', c.dashboardPort), remote: c.dashboardPort },
    { what: 'scheduler', local: intOption(o, 'scheduler-port', c.schedulerPort), remote: c.schedulerPort },
    { what: 'notebook', local: intOption(o, 'notebook-port', c.notebookPort), remote: c.notebookPort },
  ];
  for (const p of ports)
    if (await listening(p.local))
      throw new DeployError(`local port ${p.local} (for the ${p.what}) is already in use`, {
        fix: `stop what uses it, or pick another: --${p.what}-port ${p.local + 10000}`,
      });
  const forwards = ports.flatMap((p) => ['-L', `127.0.0.1:${p.local}:localhost:${p.remote}`]);
  const child = spawnSsh(c, sched, ['-N', '-T', '-o', 'ExitOnForwardFailure=yes', ...forwards], [], ['ignore', 'inherit', 'pipe']);
  let err = '';
  child.stderr?.on('data', (b) => {
    err += b;
    process.stderr.write(b);
  });
  const closed = new Promise((res) => child.on('close', (code) => res(code ?? 1)));
  for (let i = 0; i < 300; i++) {
    if (await listening(ports[0].local)) break;
    const done = await Promise.race([closed, new Promise((r) => setTimeout(() => r(undefined), 100))]);
    if (done !== undefined) {
      if (/Address already in use/.test(err))
        throw new DeployError(`a local port is already in use: ${err.trim()}`, {
          fix: 'pick others with --dashboard-port / --scheduler-port / --notebook-port',
        });
      throw new DeployError(`the tunnel to ${label(sched)} closed: ${err.trim() || `ssh exit code ${done}`}`, {
        fix: 'check that ssh to the node works: deploy/cluster.mjs ssh 1',
      });
    }
  }
  // Off loopback the dashboard wants the token: a link that sets it as a cookie, once.
  let login = `http://localhost:${ports[0].local}/status`;
  let loginNote = '';
  try {
    if (existsSync(tokenPath(c))) login = await dashboardLoginLink(ports[0].local, readFileSync(tokenPath(c), 'utf8').trim());
    else loginNote = `   (no token at ${tokenPath(c)}: the dashboard may answer 401)`;
  } catch (e) {
    loginNote = `   (no login link: ${e instanceof Error ? e.message : String(e)})`;
  }
  console.log(`tunnel to ${label(sched)} open (Ctrl-C closes it):`);
  console.log(`  dashboard  ${login}${login.includes('/login?') ? '   (logs one browser in, once)' : ''}${loginNote}`);
  console.log(
    `  scheduler  tcp://localhost:${ports[1].local}   Client.connect('tcp://localhost:${ports[1].local}', { token }) with the token in ${tokenPath(c)}`,
  );
  console.log(`  notebook   http://localhost:${ports[2].local}`);
  for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.once(sig, () => child.kill('SIGTERM'));
  await closed;
  return 0;
}

async function main() {
  const argv = process.argv.slice(2);
  const cmd = argv[0];
  const o = parseOptions(argv.slice(1), {
    strings: [
      'hosts',
      'name',
      'region',
      'count',
      'type',
      'key-name',
      'identity',
      'my-ip',
      'image',
      'disk',
      'nworkers',
      'nthreads',
      'dashboard-port',
      'scheduler-port',
      'notebook-port',
    ],
    booleans: ['bootstrap', 'ssh'],
    defaults: { bootstrap: true, ssh: true },
    usage: USAGE,
  });
  if (o.help || cmd === 'help' || cmd === '--help' || cmd === '-h' || cmd === undefined) {
    console.log(USAGE);
    return 0;
  }
  switch (cmd) {
    case 'up':
      await up(o);
      return 0;
    case 'bootstrap':
      await bootstrap(readHosts(hostsPath(o)));
      return 0;
    case 'start':
      await start(readHosts(hostsPath(o)));
      return 0;
    case 'stop':
      await stop(readHosts(hostsPath(o)));
      return 0;
    case 'status':
      await status(o);
      return 0;
    case 'ssh':
      return ssh(o, o._);
    case 'tunnel':
      return tunnel(o);
    case 'down':
      await down(o);
      return 0;
    default:
      throw new DeployError(`unknown command '${cmd}'`, { fix: `commands: up, bootstrap, start, stop, status, ssh N, tunnel, down (deploy/cluster.mjs help)` });
  }
}

runMain(main);
