/**
 * The task stream as the status page draws it: per worker thread, back-to-back short runs of
 * one task group merged into one bar (with a count), so 100,000 tasks of a millisecond are a
 * few hundred bars, not 100,000 objects pushed twice a second. Runs longer than the merge gap
 * keep a bar each. Recorded only while a status page is open (the dashboard turns it on).
 */
import type { TaskEvent } from './tasks.js';

/** Runs shorter than this, less than this apart, on one thread and of one group, share a bar (ms; about a pixel of the 20 s stream). */
export const MERGE_MS = 5;
/** Closed bars kept (the oldest go first); about 20 s of 50 busy threads. */
const KEEP = 20_000;

export interface StreamBar {
  /** Increasing; an open bar keeps its id as it grows, so a page replaces it. */
  id: number;
  worker: string;
  thread: number;
  group: string;
  start: number;
  stop: number;
  /** Runs in the bar, and how many of them erred. */
  count: number;
  errors: number;
  /** Bumped on every change (and when it closes): a page asks for what changed after the last it saw. */
  seq: number;
}

export class StreamBars {
  /** Closed bars, oldest first. */
  readonly closed: StreamBar[] = [];
  /** The bar still growing on each (worker, thread). */
  private readonly open = new Map<string, (StreamBar | undefined)[]>();
  private nextId = 0;
  /** The last change's number. */
  seq = 0;
  on = false;

  add(e: TaskEvent): void {
    let lanes = this.open.get(e.worker);
    if (lanes === undefined) this.open.set(e.worker, (lanes = []));
    const b = lanes[e.thread];
    const short = e.stop - e.start < MERGE_MS;
    if (b !== undefined) {
      if (short && b.group === e.group && e.start - b.stop < MERGE_MS && b.stop - b.start < 1000 * MERGE_MS && (b.count > 1 || b.stop - b.start < MERGE_MS)) {
        if (e.stop > b.stop) b.stop = e.stop;
        b.count++;
        if (e.status === 'error') b.errors++;
        b.seq = ++this.seq;
        return;
      }
      this.close(b);
    }
    lanes[e.thread] = {
      id: this.nextId++,
      worker: e.worker,
      thread: e.thread,
      group: e.group,
      start: e.start,
      stop: e.stop,
      count: 1,
      errors: e.status === 'error' ? 1 : 0,
      seq: ++this.seq,
    };
  }

  /** Closing counts as a change, so `closed` stays in `seq` order. */
  private close(b: StreamBar): void {
    b.seq = ++this.seq;
    this.closed.push(b);
    if (this.closed.length > KEEP) this.closed.splice(0, KEEP / 2);
  }

  /** Bars changed after change `seq` (closed ones: at most `max`, the newest). */
  changedSince(seq: number, max: number): StreamBar[] {
    const out: StreamBar[] = [];
    for (let i = this.closed.length - 1; i >= 0 && out.length < max && this.closed[i].seq > seq; i--) out.push(this.closed[i]);
    out.reverse();
    for (const lanes of this.open.values()) for (const b of lanes) if (b !== undefined && b.seq > seq) out.push(b);
    return out;
  }
}
