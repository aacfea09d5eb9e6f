/**
 * Entry point of an executor: a worker thread or a child process. Exposes the runtime to main
 * through comlink over the thread's port or the process's IPC channel, then says it is ready.
 */
import { expose, wrap } from 'comlink';
import { parentPort, Worker } from 'node:worker_threads';
import { installLibrary } from '../../library.js';
import { type IpcPort, ipcLink } from '../../executor/ipc.js';
import type { RawLink } from '../../executor/spawn.js';
import { channels } from './link.js';
import type { MainApi } from './protocol.js';
import { ExecutorRuntime } from './runtime.js';

/**
 * A parent that dies, even by SIGKILL, closes the IPC channel; but a task in a long synchronous
 * loop never sees 'disconnect'. A tiny watchdog thread notices the parent is gone (we get
 * re-parented) and ends this process, so no executor outlives its parent by more than ~0.5 s.
 * The parent's pid comes from the parent (TSDASK_PARENT_PID): a parent killed while this
 * process was still loading (the tasks it sent wait in the pipe) is already gone here.
 */
function watchParent(): void {
  const parent = Number(process.env.TSDASK_PARENT_PID) || process.ppid;
  if (process.ppid !== parent || !process.connected) process.exit(0);
  const code = `const { workerData } = require('node:worker_threads');
setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 500);`;
  new Worker(code, { eval: true, workerData: parent }).unref();
  process.on('disconnect', () => process.exit(0));
}

function processLink(): RawLink {
  if (typeof process.send !== 'function') throw new Error('tsdask executor entry: started without a parent port or IPC channel');
  watchParent();
  const port: IpcPort = {
    send: (m, cb) => process.send!(m, cb),
    on: (event, l) => process.on(event, l),
  };
  return ipcLink(port, {
    connected: () => process.connected,
    onBroken: (reason) => {
      // The channel is out of step: exit, so the parent sees this executor lost and retries.
      process.stderr.write(`tsdask executor ${process.env.TSDASK_EXECUTOR ?? ''}: the parent ${reason}\n`);
      process.exit(70);
    },
  });
}

installLibrary();

const link: RawLink =
  parentPort !== null ? { send: (m, t) => parentPort!.postMessage(m, t as ArrayBuffer[]), onMessage: (l) => parentPort!.on('message', l) } : processLink();
const { call, back } = channels(link);
expose(new ExecutorRuntime(wrap<MainApi>(back), parentPort !== null), call);
link.send({ ready: true }, []);
