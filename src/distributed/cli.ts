/**
 * `tsdask scheduler`, `tsdask worker` and `tsdask ssh`. `main(argv)` takes the command and its
 * options and resolves with the exit code once the service stops (Ctrl-C, SIGTERM, or the
 * scheduler going away for good).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { formatAddress, isLoopback, parseAddress } from './address.js';
import { intOption, type Parsed, parseArgs, UsageError } from './cli-args.js';
import { Nanny } from './nanny.js';
import { SchedulerServer } from './scheduler/server.js';
import { generateToken, readTokenFile, type TlsFiles } from './server.js';
import { formatBytes, parseBytes } from './sizeof.js';
import { formatResources, parseResources } from './resources.js';
import { parseThreshold, resolveThresholds, type Threshold, THRESHOLD_NAMES } from './memory-thresholds.js';
import { runSsh } from './ssh.js';
import { findLocalToken, localTokenPath, removeLocalToken, writeLocalToken } from './token-file.js';
import { errorMessage } from './errors.js';
import { removeSchedulerFile, waitForSchedulerFile, writeSchedulerFile } from './scheduler-file.js';

const SCHEDULER_USAGE = `usage: tsdask scheduler [--host 0.0.0.0] [--port 8786] [--dashboard-address :8787 | --no-dashboard]
                        [--token-file F] [--tls-cert F --tls-key F] [--allowed-failures 3]
                        [--scheduler-file F]   (write the address and token to F for workers to read)`;
const WORKER_USAGE = `usage: tsdask worker tcp://HOST:8786 | --scheduler-file F (waits for F) [--nworkers 1] [--nthreads N] [--memory-limit auto|2GB|0]
                     [--memory-target 0.6] [--memory-spill 0.7] [--memory-pause 0.8] [--memory-terminate 0.95]
                                   (fractions of the limit, or off; default: config distributed.worker.memory.*)
                     [--token-file F] [--name NAME] [--host H] [--death-timeout 60] [--tls-ca F]
                     [--executor inline|threads]   (default: threads when --nthreads > 1)
                     [--resources GPU=2,MEM=10e9]  (amounts per worker process that tasks ask for
                                                    with submitWith({ resources: { GPU: 1 } }, fn))`;

/** Resolves on Ctrl-C / SIGTERM, or when `also` settles. */
function untilStopped(also?: Promise<unknown>): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
    also?.then(
      (why) => resolve(typeof why === 'string' ? why : 'done'),
      () => resolve('done'),
    );
  });
}

/** With --exit-on-stdin-close (used by `tsdask ssh`), end when the controlling ssh session ends. */
function stdinClosed(p: Parsed): Promise<void> | undefined {
  if (!p.flags.has('exit-on-stdin-close')) return undefined;
  return new Promise((resolve) => {
    process.stdin.on('end', () => resolve());
    process.stdin.on('close', () => resolve());
    process.stdin.on('error', () => resolve());
    process.stdin.resume();
  });
}

function tlsOption(p: Parsed, command: string): TlsFiles | undefined {
  const cert = p.values.get('tls-cert');
  const key = p.values.get('tls-key');
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new UsageError(`tsdask ${command}: --tls-cert and --tls-key go together`);
  return { cert, key };
}

async function schedulerCommand(argv: string[]): Promise<number> {
  const p = parseArgs(
    argv,
    {
      values: ['host', 'port', 'dashboard-address', 'token-file', 'tls-cert', 'tls-key', 'allowed-failures', 'scheduler-file'],
      booleans: ['exit-on-stdin-close', 'help', 'no-dashboard'],
    },
    'scheduler',
  );
  if (p.flags.has('help')) {
    console.log(SCHEDULER_USAGE);
    return 0;
  }
  if (p.positional.length > 0) throw new UsageError(`tsdask scheduler: unexpected argument '${p.positional[0]}'\n${SCHEDULER_USAGE}`);
  const host = p.values.get('host') ?? '0.0.0.0';
  const port = intOption(p, 'port', 8786, 'scheduler');
  let token: string | undefined = process.env.TSDASK_TOKEN || undefined;
  const tokenFile = p.values.get('token-file');
  if (tokenFile !== undefined) {
    if (existsSync(tokenFile)) token = readTokenFile(tokenFile);
    else {
      token = generateToken();
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    }
  }
  const generated = token === undefined && !isLoopback(host);
  const scheduler = await SchedulerServer.start({
    host,
    port,
    token,
    tls: tlsOption(p, 'scheduler'),
    dashboardAddress: p.flags.has('no-dashboard') ? null : (p.values.get('dashboard-address') ?? ':8787'),
    allowedFailures: p.values.has('allowed-failures') ? intOption(p, 'allowed-failures', 3, 'scheduler') : undefined,
    log: (line) => console.error(`[scheduler] ${line}`),
  });
  const actualPort = scheduler.listenAddress.port;
  console.log(`tsdask scheduler at ${scheduler.contactAddress} (listening on ${formatAddress(scheduler.listenAddress)})`);
  if (scheduler.dashboardLink) console.log(`dashboard at ${scheduler.dashboardLink}`);
  // Off loopback the dashboard wants the token: this link logs one browser in (sets the cookie), once.
  const login = scheduler.dashboard?.oneTimeLink();
  if (login !== undefined && login !== scheduler.dashboardLink) console.log(`dashboard login (works once): ${login}`);
  let wroteLocal = false;
  if (scheduler.token !== undefined) {
    if (generated) {
      const path = writeLocalToken(actualPort, scheduler.token);
      wroteLocal = true;
      console.log(`token: ${scheduler.token}`);
      console.log(`  (saved to ${path}; workers and clients on other machines need it: --token-file FILE or TSDASK_TOKEN)`);
    } else {
      console.log(`token required (from ${tokenFile ?? 'TSDASK_TOKEN'})`);
    }
  }
  const schedulerFile = p.values.get('scheduler-file');
  if (schedulerFile !== undefined) {
    writeSchedulerFile(schedulerFile, { address: scheduler.contactAddress, token: scheduler.token });
    console.log(`scheduler file ${schedulerFile} written`);
  }
  // A client's shutdown() stops the server; the process ends with it.
  const shutDown = scheduler.stopped.then(() => 'shut down by a client' as const);
  const why = await untilStopped(Promise.race([shutDown, stdinClosed(p) ?? shutDown]));
  console.error(`[scheduler] stopping (${why})`);
  await scheduler.close();
  if (wroteLocal) removeLocalToken(actualPort);
  if (schedulerFile !== undefined) removeSchedulerFile(schedulerFile);
  return 0;
}

function workerToken(p: Parsed, schedulerAddress: string, fromFile: string | undefined): string | undefined {
  const file = p.values.get('token-file');
  if (file !== undefined) return readTokenFile(file);
  if (process.env.TSDASK_TOKEN) return process.env.TSDASK_TOKEN;
  if (fromFile !== undefined) return fromFile;
  const a = parseAddress(schedulerAddress);
  return findLocalToken(a.host, a.port);
}

async function workerCommand(argv: string[]): Promise<number> {
  const p = parseArgs(
    argv,
    {
      values: [
        'nworkers',
        'nthreads',
        'memory-limit',
        'token-file',
        'name',
        'host',
        'death-timeout',
        'local-directory',
        'tls-ca',
        'tls-cert',
        'tls-key',
        'executor',
        'resources',
        'memory-target',
        'memory-spill',
        'memory-pause',
        'memory-terminate',
        'scheduler-file',
      ],
      booleans: ['exit-on-stdin-close', 'help', 'insecure'],
    },
    'worker',
  );
  if (p.flags.has('help')) {
    console.log(WORKER_USAGE);
    return 0;
  }
  const deathTimeoutMs = Number(p.values.get('death-timeout') ?? 60) * 1000;
  const schedulerFile = p.values.get('scheduler-file');
  if (schedulerFile !== undefined && p.positional[0] !== undefined)
    throw new UsageError(`tsdask worker: give the scheduler's address or --scheduler-file, not both\n${WORKER_USAGE}`);
  const fromFile =
    schedulerFile === undefined ? undefined : await waitForSchedulerFile(schedulerFile, deathTimeoutMs, (line) => console.error(`tsdask worker: ${line}`));
  const scheduler = fromFile?.address ?? p.positional[0] ?? process.env.TSDASK_SCHEDULER_ADDRESS;
  if (scheduler === undefined)
    throw new UsageError(`tsdask worker: which scheduler? give its address, e.g. tcp://10.0.0.5:8786, or --scheduler-file F\n${WORKER_USAGE}`);
  parseAddress(scheduler);
  const nworkers = Math.max(1, intOption(p, 'nworkers', 1, 'worker'));
  const nthreads = Math.max(1, intOption(p, 'nthreads', Math.max(1, Math.floor(availableParallelism() / nworkers)), 'worker'));
  const memoryLimit = parseBytes(p.values.get('memory-limit') ?? 'auto', nworkers);
  const given: Partial<Record<Threshold, number | false>> = {};
  for (const name of THRESHOLD_NAMES) {
    const text = p.values.get(`memory-${name}`);
    if (text !== undefined) given[name] = parseThreshold(text, name, `tsdask worker --memory-${name}`);
  }
  const memoryThresholds = resolveThresholds(given, 'tsdask worker');
  const token = workerToken(p, scheduler, fromFile?.token);
  const base = p.values.get('name');
  const executor = p.values.get('executor');
  if (executor !== undefined && executor !== 'inline' && executor !== 'threads')
    throw new UsageError(`tsdask worker: --executor is 'inline' or 'threads', got '${executor}'`);
  const resources = resourcesOption(p.values.get('resources'));
  const nannies: Nanny[] = [];
  for (let i = 0; i < nworkers; i++) {
    nannies.push(
      new Nanny({
        scheduler,
        nthreads,
        memoryLimit,
        memoryThresholds,
        resources,
        token,
        executor,
        name: base === undefined ? undefined : nworkers > 1 ? `${base}-${i}` : base,
        host: p.values.get('host'),
        deathTimeoutMs,
        localDir: p.values.get('local-directory') === undefined ? undefined : `${p.values.get('local-directory')}/worker-${process.pid}-${i}`,
        tls: tlsOption(p, 'worker'),
        tlsCa: p.values.get('tls-ca') === undefined ? undefined : readTextFile(p.values.get('tls-ca')!),
        insecure: p.flags.has('insecure'),
        log: (line) => console.error(`[nanny ${i}] ${line}`),
        stdio: 'inherit',
      }),
    );
  }
  // A supervisor (tsdask ssh) may go away while the workers still look for the scheduler.
  const closed = stdinClosed(p);
  const startAll = Promise.allSettled(nannies.map((n) => n.start()));
  const started = await Promise.race([startAll, closed?.then(() => undefined) ?? startAll]);
  if (started === undefined) {
    console.error('tsdask worker: stopping (stdin closed before the workers connected)');
    await Promise.all(nannies.map((n) => n.stop()));
    return 0;
  }
  const failed = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    console.error(`tsdask worker: ${errorMessage(failed[0].reason)}`);
    await Promise.all(nannies.map((n) => n.stop()));
    return 1;
  }
  console.log(
    `tsdask worker: ${nworkers} worker process${nworkers > 1 ? 'es' : ''} x ${nthreads} thread${nthreads > 1 ? 's' : ''}` +
      `${memoryLimit ? `, ${formatBytes(memoryLimit)} each` : ''}${resources ? `, resources ${formatResources(resources)}` : ''}, connected to ${scheduler}: ${nannies.map((n) => n.address).join(', ')}`,
  );
  const allDone = Promise.all(nannies.map((n) => n.done));
  const why = await untilStopped(Promise.race([allDone, closed ?? new Promise(() => undefined)]));
  if (why !== 'done') console.error(`tsdask worker: stopping (${why})`);
  await Promise.all(nannies.map((n) => n.stop()));
  const results = await Promise.race([allDone, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
  if (results !== undefined && results.some((r) => r.code !== 0)) {
    console.error(`tsdask worker: workers stopped: ${results.map((r) => r.reason).join('; ')}`);
    return 1;
  }
  return 0;
}

function resourcesOption(text: string | undefined): Record<string, number> | undefined {
  if (text === undefined) return undefined;
  try {
    return parseResources(text);
  } catch (e) {
    throw new UsageError(`tsdask worker: bad --resources '${text}': ${errorMessage(e)}`);
  }
}

function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'scheduler':
        return await schedulerCommand(rest);
      case 'worker':
        return await workerCommand(rest);
      case 'ssh':
        return await runSsh(rest);
      default:
        throw new UsageError(`tsdask: '${cmd}' is not a cluster command (scheduler, worker, ssh)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

export { localTokenPath };

// `node dist/distributed/cli.js scheduler ...` works too (tests start processes this way).
if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`tsdask: ${errorMessage(e)}`);
      process.exit(1);
    },
  );
}
