/**
 * User data given to the threads scheduler (graph literals, `delayed(x)`, task arguments) in
 * shared memory. The user's typed array is an ordinary ArrayBuffer that cannot be shared, so it
 * is copied into shared memory once; every thread then reads that one copy.
 *
 * The copy is kept for as long as the user's buffer lives and reused by later computes after a
 * memcmp against the original (the user may have changed their array in between; then it is
 * copied again, into the same pages). At the end of each compute the copies it used are compared
 * with the originals again: a task that wrote into its input fails the compute with an error
 * instead of handing back results computed from corrupted input. The user's own array is never
 * written (tasks only see the copy).
 */
import type { TypeSpec } from '../serialize.js';
import { bytesOf, sameBytes, toShared } from './memory.js';

interface Entry {
  readonly source: ArrayBufferView;
  readonly copy: ArrayBufferView;
}

/** `x` with its buffers in shared memory when its type knows how (TypeSpec.toShared), else `x`. */
export function sharedRegistered(x: object, spec: TypeSpec<unknown>): object {
  if (spec.toShared === undefined) return x;
  const y = spec.toShared(x);
  return typeof y === 'object' && y !== null ? y : x;
}

/** A task wrote into an input it shares with other tasks (threads scheduler). */
export class SharedInputError extends Error {
  override name = 'SharedInputError';
}

/** The copies of one pool, by the user's buffer (weakly: they go when the user's array goes). */
export class SharedInputs {
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Entry[]>();

  /** The shared copy of `v`: a cached one when it exists, else a new one. */
  entry(v: ArrayBufferView): [Entry, boolean] {
    let list = this.byBuffer.get(v.buffer);
    if (list === undefined) this.byBuffer.set(v.buffer, (list = []));
    for (const e of list) {
      if (e.source.byteOffset === v.byteOffset && e.source.byteLength === v.byteLength && e.source.constructor === v.constructor) return [e, false];
    }
    const e: Entry = { source: v, copy: toShared(v) };
    list.push(e);
    return [e, true];
  }

  private readonly objects = new WeakMap<object, object>();

  /**
   * A registered value (a DataFrame partition) with its buffers in shared memory, made once per
   * value: tsdask's partitions are immutable, so the copy never goes stale.
   */
  registered(x: object, spec: TypeSpec<unknown>): object {
    let y = this.objects.get(x);
    if (y === undefined) this.objects.set(x, (y = sharedRegistered(x, spec)));
    return y;
  }

  forget(e: Entry): void {
    const list = this.byBuffer.get(e.source.buffer);
    if (list !== undefined) list.splice(list.indexOf(e), 1);
  }
}

/** The shared inputs of one compute and who read them. */
export class RunInputs {
  private readonly used = new Map<Entry, string[]>();

  constructor(private readonly pool: SharedInputs) {}

  /** The shared copy of `v` for this compute, read by `reader` (a task or data key, for errors). */
  share(v: ArrayBufferView, reader: string): ArrayBufferView {
    const [e, fresh] = this.pool.entry(v);
    let readers = this.used.get(e);
    if (readers === undefined) {
      // A copy from an earlier compute: the user may have changed the array since.
      if (!fresh && !sameBytes(e.source, e.copy)) bytesOf(e.copy).set(bytesOf(e.source));
      this.used.set(e, (readers = []));
    }
    if (readers.length < 5 && !readers.includes(reader)) readers.push(reader);
    return e.copy;
  }

  /** An error naming every input a task of this compute wrote into (its copy is dropped), or undefined. */
  verify(): SharedInputError | undefined {
    const bad: string[] = [];
    for (const [e, readers] of this.used) {
      if (sameBytes(e.source, e.copy)) continue;
      this.pool.forget(e);
      const type = e.source.constructor.name;
      bad.push(`a ${type} of ${e.source.byteLength} bytes given to ${readers.join(', ')}`);
    }
    this.used.clear();
    if (bad.length === 0) return undefined;
    return new SharedInputError(
      `tsdask: a task wrote into its input on the threads scheduler (${bad.join('; ')}). ` +
        'Inputs are read-only on threads: every task reads one shared copy, so a write would change the input of other tasks; ' +
        'the results of this compute were discarded and your own array is unchanged. ' +
        'Fix: copy the input inside the task before changing it (e.g. x.slice()), or use the processes scheduler.',
    );
  }
}
