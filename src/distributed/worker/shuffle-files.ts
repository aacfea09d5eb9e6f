/**
 * The worker's part of the disk shuffle (src/core/shuffle): where its files go, and
 * removing a split's file when the scheduler frees the split's result here, or when the
 * split was cancelled while it ran (its result is dropped, so no one else can free it).
 */
import { join } from 'node:path';
import { decode } from '../../core/serialize.js';
import { removeOutput } from '../../core/shuffle/files.js';
import { ShuffleOutput } from '../../core/shuffle/output.js';
import type { Payload } from '../protocol/index.js';
import type { DataStore } from './store.js';

/** Shuffle files go in the worker's local directory (removed with it when the worker stops). */
export function useShuffleDir(localDir: string): void {
  // Worker threads inherit the environment, so tasks run there write to the same place.
  process.env.TSDASK_SHUFFLE_DIR ??= join(localDir, 'shuffle');
}

/** `key` is about to leave the store: if it is a shuffle output written here, remove its file. */
export function freeShuffleFile(store: DataStore, key: string): void {
  if (store.info(key)?.type !== 'ShuffleOutput') return;
  const o = store.get(key);
  if (o instanceof ShuffleOutput) void removeOutput(o).catch(() => undefined);
}

/** A task dropped while it ran (cancelled, stolen) produced `value`: if it is a shuffle output, its file goes. */
export function discardResult(value: unknown): void {
  if (value instanceof ShuffleOutput) void removeOutput(value).catch(() => undefined);
}

/** The same for a result a task thread sent back encoded. */
export function discardEncoded(payload: Payload, type: string): void {
  if (type === 'ShuffleOutput') discardResult(decode(payload));
}
