/**
 * User data given to the threads scheduler (graph literals, `delayed(x)`, task arguments) in
 * shared memory. The user's typed array is an ordinary ArrayBuffer that cannot be shared, so it
 * is copied into shared memory once; every thread then reads that one copy.
 *
 * The copy is kept for as long as the user's buffer lives and reused by later computes. Whether
 * it still matches the user's array is decided by a memcmp against the original (the user may
 * have changed their array in between; then it is copied again, into the same pages). At the
 * end of each compute the copies it used are compared with the originals again: a task that
 * wrote into its input fails the compute with an error instead of handing back results computed
 * from corrupted input. The user's own array is never written (tasks only see the copy).
 *
 * Once a few computes in a row found the user's array unchanged, the next one does not compare
 * before its tasks (that memcmp ran on the main thread while every worker thread waited): its
 * one comparison at the end covers both questions. On a mismatch there it cannot tell a task's
 * write from a change by the user, so it renews the copy and the compute runs again with a
 * fresh copy, where a mismatch can only be a task's write. One limit: a task that writes
 * exactly the values the user changed since the last compute leaves nothing to compare.
 */
import type { TypeSpec } from '../serialize.js';
import { bytesOf, sameBytes, toShared } from './memory.js';

/** Computes in a row that found the user's array unchanged before the next one skips its first comparison. */
const QUIET_TO_SKIP = 2;

interface Entry {
  readonly source: ArrayBufferView;
  readonly copy: ArrayBufferView;
  /** Bumped whenever the copy is rewritten: a compute that began on an older one read it while it changed. */
  gen: number;
  /** Computes in a row that found the copy equal to the user's array (a new copy counts as one). */
  quiet: number;
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
    const e: Entry = { source: v, copy: toShared(v), gen: 0, quiet: 1 };
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

/** One compute's use of a copy. */
interface Use {
  readonly readers: string[];
  /** The copy's generation when this compute began reading it. */
  readonly gen: number;
  /** Compared with the user's array before the tasks (else only at the end). */
  readonly checked: boolean;
}

/** How a compute ends as far as its shared inputs go. */
export type Settled =
  | { readonly kind: 'ok' }
  /** Its tasks may have read an outdated or changing copy: the copy is renewed, compute again. */
  | { readonly kind: 'stale' }
  | { readonly kind: 'written'; readonly error: SharedInputError };

/** The shared inputs of one compute and who read them. */
export class RunInputs {
  private readonly used = new Map<Entry, Use>();

  constructor(private readonly pool: SharedInputs) {}

  /** The shared copy of `v` for this compute, read by `reader` (a task or data key, for errors). */
  share(v: ArrayBufferView, reader: string): ArrayBufferView {
    const [e, fresh] = this.pool.entry(v);
    let use = this.used.get(e);
    if (use === undefined) {
      // A new copy needs no comparison; a quiet one is compared only at the end (settle).
      const checked = fresh || e.quiet < QUIET_TO_SKIP;
      if (!fresh && checked) {
        if (sameBytes(e.source, e.copy)) e.quiet++;
        else {
          // The user changed the array since it was last compared.
          renew(e);
          e.quiet = 0;
        }
      }
      this.used.set(e, (use = { readers: [], gen: e.gen, checked }));
    }
    if (use.readers.length < 5 && !use.readers.includes(reader)) use.readers.push(reader);
    return e.copy;
  }

  /**
   * Compares every copy this compute read with the user's array and forgets this compute's
   * uses. A copy compared before the tasks that differs now was written by a task: it is
   * dropped (the next compute copies afresh) and named in the error. One not compared before
   * is renewed: the compute must run again.
   */
  settle(): Settled {
    const bad: string[] = [];
    let stale = false;
    for (const [e, use] of this.used) {
      if (e.gen !== use.gen) {
        // Another compute renewed the copy while this one read it.
        stale = true;
        continue;
      }
      if (sameBytes(e.source, e.copy)) {
        if (!use.checked) e.quiet++;
        continue;
      }
      if (!use.checked) {
        // The user changed their array or a task wrote: the compute runs again on a fresh copy,
        // compared before its tasks, so that a difference after them is a task's write.
        renew(e);
        e.quiet = 0;
        stale = true;
        continue;
      }
      this.pool.forget(e);
      const type = e.source.constructor.name;
      bad.push(`a ${type} of ${e.source.byteLength} bytes given to ${use.readers.join(', ')}`);
    }
    this.used.clear();
    if (bad.length > 0) {
      const error = new SharedInputError(
        `tsdask: a task wrote into its input on the threads scheduler (${bad.join('; ')}). ` +
          'Inputs are read-only on threads: every task reads one shared copy, so a write would change the input of other tasks; ' +
          'the results of this compute were discarded and your own array is unchanged. ' +
          'Fix: copy the input inside the task before changing it (e.g. x.slice()), or use the processes scheduler.',
      );
      return { kind: 'written', error };
    }
    return stale ? { kind: 'stale' } : { kind: 'ok' };
  }
}

function renew(e: Entry): void {
  bytesOf(e.copy).set(bytesOf(e.source));
  e.gen++;
}
