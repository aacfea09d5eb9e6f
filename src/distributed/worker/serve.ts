/**
 * Results leaving this worker: to peers that fetch inputs (`get-data` on the data port), and
 * to the scheduler for clients (`send-results`). A value that cannot be serialized is
 * reported as an error under its key, not dropped.
 */
import type { Connection } from '../connection.js';
import { fromWorker, type GetData, type Hello, type KeyError, type KeyPayload, parsePeerRequest, type StoredValue, toWireError } from '../protocol/index.js';
import type { DataStore } from './store.js';
import type { SchedulerLink } from './task.js';

/** A peer said hello on the data port: serve its data requests. */
export function acceptPeer(conn: Connection, h: Hello, store: DataStore, log: (line: string) => void): void {
  if (h.role !== 'peer') {
    conn.replyError(h.rid, { name: 'ConnectionRefused', message: `a worker's data port serves other workers, not a ${h.role}: connect to the scheduler` });
    conn.close(4000, 'wrong role');
    return;
  }
  conn.on('protocol-error', (e: Error) => log(`refused a message from peer ${conn.peer}: ${e.message}`));
  conn.reply(h.rid, {});
  conn.serve(parsePeerRequest, (msg) => serveData(conn, msg, store));
}

function serveData(conn: Connection, msg: GetData, store: DataStore): void {
  const values: StoredValue[] = [];
  const missing: string[] = [];
  const errors: KeyError[] = [];
  for (const key of msg.keys) {
    const info = store.info(key);
    if (info === undefined) {
      missing.push(key);
      continue;
    }
    try {
      values.push({ key, value: conn.wire(store.getPayload(key)), nbytes: info.nbytes, type: info.type });
    } catch (e) {
      errors.push({ key, error: toWireError(e, key, 'serialization') });
    }
  }
  conn.reply(msg.rid, { values, missing, errors });
}

/** Send the scheduler the values of `keys` (for clients waiting on them). */
export function sendResults(scheduler: SchedulerLink, store: DataStore, keys: readonly string[]): void {
  const values: KeyPayload[] = [];
  const missing: string[] = [];
  const errors: KeyError[] = [];
  for (const key of keys) {
    if (!store.has(key)) {
      missing.push(key);
      continue;
    }
    try {
      values.push({ key, value: scheduler.wire(store.getPayload(key)) });
    } catch (e) {
      errors.push({ key, error: toWireError(e, key, 'serialization') });
    }
  }
  scheduler.send(fromWorker.results({ values, missing, errors }));
}
