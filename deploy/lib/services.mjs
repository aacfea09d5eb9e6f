// @ts-check
/**
 * The running cluster: `tsdask scheduler` on node 1, `tsdask worker` on the others (on node 1
 * too when it is the only node), each started in the background over ssh (nohup, its own
 * session) so it outlives the ssh connection; pid and log in ~/.tsdask on the node. Every
 * process gets the cluster token from ~/.tsdask/token (0600), copied there from the token file
 * next to hosts.json; the token never appears on a command line.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DeployError } from './errors.mjs';
import { say, step } from './progress.mjs';
import { eachNode, label, q, runOn } from './ssh.mjs';
import { tokenPath } from './hosts.mjs';

/** @typedef {import('./hosts.mjs').Cluster} Cluster */
/** @typedef {import('./hosts.mjs').Node} Node */

/** The cluster token: read from the token file next to hosts.json, made there (0600) the first time. @param {Cluster} c */
export function clusterToken(c) {
  const path = tokenPath(c);
  if (existsSync(path)) {
    const t = readFileSync(path, 'utf8').trim();
    if (t) return t;
  }
  const token = randomBytes(24).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}

/** The address workers use for the scheduler. @param {Cluster} c */
export const schedulerAddress = (c) => `tcp://${c.nodes[0].private}:${c.schedulerPort}`;

/** Nodes that run workers. @param {Cluster} c */
export const workerNodes = (c) => (c.nodes.length > 1 ? c.nodes.slice(1) : c.nodes);

/**
 * Starts `args` in the background unless its pid file names a live process; prints
 * `running PID` or `started PID`.
 * @param {'scheduler' | 'worker'} role
 * @param {string[]} args
 */
const startScript = (role, args) => `t="$HOME/.tsdask"
[ -x "$t/bin/tsdask" ] || { echo "not bootstrapped: $t/bin/tsdask is missing" >&2; exit 5; }
if [ -f "$t/${role}.pid" ] && kill -0 "$(cat "$t/${role}.pid")" 2> /dev/null; then echo "running $(cat "$t/${role}.pid")"; exit 0; fi
cd "$HOME"
if command -v setsid > /dev/null; then s=setsid; else s=; fi
nohup $s "$t/bin/tsdask" ${role} ${args.map(q).join(' ')} --token-file "$t/token" > "$t/${role}.log" 2>&1 < /dev/null &
echo $! > "$t/${role}.pid"
echo "started $!"`;

/**
 * Waits (on the node, up to `seconds`) until the log matches `ready` or the process ends;
 * prints `ready`, `exited` or `timeout`, then the log's last lines.
 * @param {'scheduler' | 'worker'} role
 * @param {string} ready an extended regular expression
 * @param {number} seconds
 */
const waitScript = (role, ready, seconds) => `t="$HOME/.tsdask"; pid=$(cat "$t/${role}.pid")
i=0
while [ $i -lt ${seconds * 10} ]; do
  if grep -Eq ${q(ready)} "$t/${role}.log"; then echo ready; tail -n 30 "$t/${role}.log"; exit 0; fi
  if ! kill -0 "$pid" 2> /dev/null; then echo exited; tail -n 30 "$t/${role}.log"; exit 0; fi
  sleep 0.1; i=$((i + 1))
done
echo timeout; tail -n 30 "$t/${role}.log"`;

/** Connects to HOST PORT from the node; prints `ok` or `fail CODE`. */
const PROBE = `"$HOME/.tsdask/bin/node" -e '
const s = require("net").connect(Number(process.argv[2]), process.argv[1]);
s.setTimeout(5000);
s.on("connect", () => { console.log("ok"); process.exit(0); });
s.on("timeout", () => { console.log("fail ETIMEDOUT"); process.exit(0); });
s.on("error", (e) => { console.log("fail " + (e.code || e.message)); process.exit(0); });
'`;

/**
 * What to open when a node cannot reach the scheduler: on EC2 the security group rule by name.
 * @param {Cluster} c
 * @param {Node} n
 */
function reachFix(c, n) {
  const sg = c.ec2?.securityGroupId;
  if (typeof sg === 'string')
    return (
      `the security group ${String(c.ec2?.securityGroupName ?? '')} (${sg}) needs the inbound rule "All TCP, source ${sg}" ` +
      '(members of the group reach each other): run `deploy/cluster.mjs up` again to restore it, or add it in the EC2 console'
    );
  return (
    `let TCP in from node ${n.index} to node 1 at ${c.nodes[0].private}:${c.schedulerPort}, and all TCP between the nodes (workers talk to each other), ` +
    `through any firewall between them; and check that "private" of the scheduler in ${c.path} is an address the nodes reach`
  );
}

/**
 * @param {Cluster} c
 * @param {Node} n
 * @param {'scheduler' | 'worker'} role
 * @param {string[]} args
 * @param {string} ready
 */
async function startOne(c, n, role, args, ready) {
  const r = await runOn(c, n, startScript(role, args), { what: `starting the ${role}` });
  const [state, pid] = r.stdout.trim().split(' ');
  if (state === 'running') {
    say(n, `${role} running already (pid ${pid})`);
    return pid;
  }
  const w = await runOn(c, n, waitScript(role, ready, 90), { timeout: 120_000, what: `waiting for the ${role}` });
  const [outcome, ...log] = w.stdout.split('\n');
  const tail = log.filter(Boolean).slice(-8).join('\n    ');
  if (outcome === 'ready') {
    say(n, `${role} started (pid ${pid})`);
    return pid;
  }
  if (/EADDRINUSE|address already in use/i.test(tail)) {
    const port = /address already in use \S*:(\d+)/.exec(tail) ?? /port: (\d+)/.exec(tail);
    const which = port ? port[1] : `${c.schedulerPort} or ${c.dashboardPort}`;
    throw new DeployError(`${label(n)}: the ${role} could not listen: port ${which} is already in use there:\n    ${tail}`, {
      fix:
        `stop what uses it (\`deploy/cluster.mjs ssh ${n.index}\`, then \`ss -ltnp\`; an old cluster: \`deploy/cluster.mjs stop\`), ` +
        `or pick other ports with "schedulerPort" / "dashboardPort" in ${c.path}`,
    });
  }
  if (/EACCES/.test(tail)) {
    throw new DeployError(
      `${label(n)}: the ${role} may not listen on port ${c.schedulerPort} or ${c.dashboardPort} there (EACCES: ports below 1024 need root):\n    ${tail}`,
      {
        fix: `pick ports above 1023 with "schedulerPort" / "dashboardPort" in ${c.path}`,
      },
    );
  }
  if (outcome === 'exited')
    throw new DeployError(`${label(n)}: the ${role} exited right away:\n    ${tail}`, { fix: `its log is ~/.tsdask/${role}.log there` });
  throw new DeployError(`${label(n)}: the ${role} did not get ready within 90 s:\n    ${tail}`, {
    fix: `its log is ~/.tsdask/${role}.log there (deploy/cluster.mjs ssh ${n.index})`,
  });
}

/**
 * Start scheduler and workers (those running already are left alone).
 * @param {Cluster} c
 */
export async function start(c) {
  const token = clusterToken(c);
  const sched = c.nodes[0];
  step(`token to ${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'} (~/.tsdask/token, 0600)`);
  await eachNode(c.nodes, async (n) => {
    await runOn(c, n, 'umask 077; mkdir -p "$HOME/.tsdask"; cat > "$HOME/.tsdask/token"; chmod 600 "$HOME/.tsdask/token"', {
      input: `${token}\n`,
      what: 'writing the token',
    });
  });

  step(`scheduler on ${label(sched)}`);
  await startOne(c, sched, 'scheduler', ['--host', '0.0.0.0', '--port', String(c.schedulerPort), '--dashboard-address', `:${c.dashboardPort}`], 'listening on');

  const address = schedulerAddress(c);
  const workers = workerNodes(c);
  step(`workers on ${workers.map((n) => `node ${n.index}`).join(', ')}: can they reach the scheduler at ${address}?`);
  await eachNode(workers, async (n) => {
    const r = await runOn(c, n, `${PROBE} ${q(sched.private)} ${c.schedulerPort}`, { what: 'probing the scheduler port' });
    const out = r.stdout.trim();
    if (out !== 'ok')
      throw new DeployError(`${label(n)} cannot reach the scheduler at ${sched.private}:${c.schedulerPort} (${out.replace(/^fail /, '')})`, {
        fix: reachFix(c, n),
      });
    say(n, `reaches the scheduler at ${sched.private}:${c.schedulerPort}`);
  });

  step(`workers: ${c.nworkers} process${c.nworkers === 1 ? '' : 'es'} x ${c.nthreads} thread${c.nthreads === 1 ? '' : 's'} per node`);
  const args = [address, '--nworkers', String(c.nworkers), '--nthreads', String(c.nthreads)];
  if (c.memoryLimit !== undefined) args.push('--memory-limit', c.memoryLimit);
  await eachNode(workers, (n) => startOne(c, n, 'worker', args, 'tsdask worker: [0-9]+ worker process'));

  step('cluster running');
  console.log(
    `scheduler: ${address} (from this machine: tcp://${sched.public}:${c.schedulerPort}, or tcp://localhost:${c.schedulerPort} through \`deploy/cluster.mjs tunnel\`)`,
  );
  console.log(`dashboard: http://${sched.public}:${c.dashboardPort}/status (or http://localhost:${c.dashboardPort}/status through the tunnel)`);
  console.log(`token:     ${tokenPath(c)}  (Client.connect(address, { token }) or TSDASK_TOKEN=$(cat ${tokenPath(c)}))`);
}

/** Stops `role` by its pid file: its whole process group, TERM then KILL after 10 s. @param {'scheduler' | 'worker'} role */
const stopScript = (role) => `t="$HOME/.tsdask"; f="$t/${role}.pid"
[ -f "$f" ] || { echo "none"; exit 0; }
pid=$(cat "$f")
if ! kill -0 "$pid" 2> /dev/null; then rm -f "$f"; echo "none"; exit 0; fi
kill -TERM -- "-$pid" 2> /dev/null || kill -TERM "$pid"
i=0
while kill -0 "$pid" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$pid" 2> /dev/null; then kill -KILL -- "-$pid" 2> /dev/null || kill -KILL "$pid"; echo "killed $pid"; else echo "stopped $pid"; fi
rm -f "$f"`;

/** @param {Cluster} c */
export async function stop(c) {
  step('stop workers, then the scheduler');
  await eachNode(workerNodes(c), async (n) => {
    const r = await runOn(c, n, stopScript('worker'), { what: 'stopping the workers' });
    say(n, r.stdout.trim() === 'none' ? 'no workers running' : `workers ${r.stdout.trim()}`);
  });
  const r = await runOn(c, c.nodes[0], stopScript('scheduler'), { what: 'stopping the scheduler' });
  say(c.nodes[0], r.stdout.trim() === 'none' ? 'no scheduler running' : `scheduler ${r.stdout.trim()}`);
}

/** Prints `ROLE running PID LASTLINE` or `ROLE stopped` per role. */
const STATUS = `t="$HOME/.tsdask"
for role in scheduler worker; do
  [ -f "$t/$role.pid" ] || continue
  pid=$(cat "$t/$role.pid")
  if kill -0 "$pid" 2> /dev/null; then
    echo "$role running $pid $(grep -E 'tsdask scheduler at|tsdask worker: [0-9]+ worker' "$t/$role.log" | tail -n 1)"
  else
    echo "$role stopped $pid $(tail -n 1 "$t/$role.log" 2> /dev/null)"
  fi
done
[ -x "$t/bin/tsdask" ] && echo "bootstrapped yes" || echo "bootstrapped no"`;

/**
 * What runs where, per node; never throws for one node's failure (it is reported on its line).
 * @param {Cluster} c
 * @returns {Promise<{ node: number, reachable: boolean, bootstrapped: boolean, scheduler?: string, worker?: string, error?: string }[]>}
 */
export async function processStatus(c) {
  return Promise.all(
    c.nodes.map(async (n) => {
      try {
        const r = await runOn(c, n, STATUS, { what: 'status', connectTimeout: 8, timeout: 30_000 });
        /** @type {{ node: number, reachable: boolean, bootstrapped: boolean, scheduler?: string, worker?: string }} */
        const s = { node: n.index, reachable: true, bootstrapped: false };
        for (const line of r.stdout.trim().split('\n')) {
          const [role, state, ...rest] = line.split(' ');
          if (role === 'bootstrapped') s.bootstrapped = state === 'yes';
          else if (role === 'scheduler' || role === 'worker')
            s[role] = `${state}${state === 'running' ? ` (pid ${rest[0]})` : ''}${rest.length > 1 ? `: ${rest.slice(1).join(' ')}` : ''}`;
        }
        say(
          n,
          `reachable; ${s.bootstrapped ? 'bootstrapped' : 'not bootstrapped'}; scheduler ${s.scheduler ?? 'not started'}; workers ${s.worker ?? 'not started'}`,
        );
        return s;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        say(n, `not reachable: ${msg}`);
        return { node: n.index, reachable: false, bootstrapped: false, error: msg };
      }
    }),
  );
}
