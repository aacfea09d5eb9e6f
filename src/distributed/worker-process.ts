/**
 * Entry point of a worker process, started by a nanny with its options in the environment.
 * It exits when the worker stops, and when its nanny goes away (the IPC channel closes), so
 * a killed nanny or test never leaves orphan workers behind.
 */
import { installLibrary } from '../library.js';
import { parseWorkerSettings, ProtocolError, toNanny } from './protocol/index.js';
import { EXIT, Worker } from './worker/worker.js';

async function main(): Promise<void> {
  installLibrary();
  const raw = process.env.TSDASK_WORKER_OPTIONS;
  if (raw === undefined) {
    console.error('tsdask worker process: TSDASK_WORKER_OPTIONS is not set (start workers with `tsdask worker`)');
    process.exit(2);
  }
  const opts = parseWorkerSettings(JSON.parse(raw), 0);
  if (opts instanceof ProtocolError) {
    console.error(`tsdask worker process: bad TSDASK_WORKER_OPTIONS: ${opts.message}`);
    process.exit(2);
  }
  const prefix = `[tsdask worker ${opts.name ?? process.pid}]`;
  const worker = new Worker({
    ...opts,
    log: (line) => console.error(`${prefix} ${line}`),
    onListening: (address) => process.send?.(toNanny.listening(address)),
    onExit: (code) => {
      process.send?.(toNanny.exiting(code));
      // Let the last messages drain.
      setTimeout(() => process.exit(code), 30).unref();
    },
  });
  process.on('disconnect', () => void worker.stop(EXIT.CLOSED, 'the nanny went away'));
  process.on('SIGTERM', () => void worker.stop(EXIT.CLOSED, 'SIGTERM'));
  process.on('SIGINT', () => void worker.stop(EXIT.CLOSED, 'SIGINT'));
  try {
    await worker.start();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`${prefix} ${msg}`);
    process.send?.(toNanny.failed(msg));
    process.exit(/refused/.test(msg) ? EXIT.REFUSED : EXIT.NO_SCHEDULER);
  }
  process.send?.(toNanny.ready(worker.address, worker.name));
}

void main();
