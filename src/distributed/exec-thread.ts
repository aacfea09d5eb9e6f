/**
 * One task slot of a worker running on its own thread (`--nthreads N` with N > 1): receives a
 * task and its inputs as serialized bytes, runs it, and sends the result back serialized, its
 * buffers transferred rather than copied.
 */
import { parentPort } from 'node:worker_threads';
import { DataNode, isThenable, runTask, type TaskFn } from '../core/graph.js';
import { type FnSpec, resolveFunction, useUploadedModule } from '../core/functions.js';
import { decode, encode, transferables } from '../core/serialize.js';
import { toWireError, type WireError } from './protocol/index.js';
import { sizeof, typeName } from './sizeof.js';
import { decodeTask } from './task-codec.js';
import { basename } from 'node:path';
import { installLibrary } from '../library.js';
import { type ProfileNode, profileThread, taskStarted, taskStopped } from '../diagnostics/profiler.js';

/** Sample this thread for a while (the worker's profile request); answered with a ThreadProfile. */
export interface ProfileMessage {
  op: 'profile';
  id: number;
  durationMs: number;
}

export interface ThreadProfile {
  op: 'profile';
  id: number;
  groups: Record<string, ProfileNode>;
}

export interface RunMessage {
  op: 'run';
  key: string;
  spec: { header: string; frames: Uint8Array[] };
  deps: [string, string, Uint8Array[]][];
  fns: [string, FnSpec][];
  uploads: [string, string][];
}

/** What a task thread answers: the result serialized (buffers transferred), or the error. */
export type ThreadReply =
  | { op: 'done'; key: string; header: string; frames: Uint8Array[]; nbytes: number; type: string; start: number; stop: number }
  | { op: 'error'; key: string; error: WireError; start: number; stop: number };

function reply(m: ThreadReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(m, transfer);
}

const fns = new Map<string, FnSpec>();
const uploads = new Map<string, string>();

function resolveFn(id: string): TaskFn {
  const spec = fns.get(id);
  if (spec === undefined) throw new Error(`function ${id} was never sent to this thread (protocol bug)`);
  if (spec.kind === 'module') {
    const uploaded = uploads.get(basename(spec.path));
    if (uploaded !== undefined) return resolveFunction({ ...spec, path: uploaded });
  }
  return resolveFunction(spec);
}

async function run(m: RunMessage): Promise<void> {
  for (const [id, spec] of m.fns) fns.set(id, spec);
  for (const [name, path] of m.uploads) {
    uploads.set(name, path);
    useUploadedModule(name, path);
  }
  const start = Date.now();
  const raw = new Map(m.deps.map(([k, header, frames]) => [k, { header, frames }]));
  const decoded = new Map<string, unknown>();
  const get = (k: string): unknown => {
    if (!decoded.has(k)) {
      const p = raw.get(k);
      if (p === undefined) throw new Error(`input '${k}' of task '${m.key}' did not reach the thread`);
      decoded.set(k, decode(p));
    }
    return decoded.get(k);
  };
  taskStarted(m.key);
  try {
    const node = decodeTask(m.key, m.spec, resolveFn);
    let value = node instanceof DataNode ? node.value : runTask(node, get);
    if (isThenable(value)) value = await value;
    const f = encode(value, `the result of task '${m.key}'`);
    reply(
      { op: 'done', key: m.key, header: f.header, frames: f.frames, nbytes: sizeof(value), type: typeName(value), start, stop: Date.now() },
      transferables(f),
    );
  } catch (e) {
    reply({ op: 'error', key: m.key, error: toWireError(e, m.key), start, stop: Date.now() });
  } finally {
    taskStopped();
  }
}

installLibrary();
parentPort?.on('message', (m: RunMessage | ProfileMessage) => {
  if (m.op === 'run') void run(m);
  else if (m.op === 'profile') {
    profileThread(m.durationMs).then(
      (groups) => parentPort?.postMessage({ op: 'profile', id: m.id, groups } satisfies ThreadProfile),
      () => parentPort?.postMessage({ op: 'profile', id: m.id, groups: {} } satisfies ThreadProfile),
    );
  }
});
