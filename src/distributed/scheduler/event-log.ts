/** What the scheduler remembers for people: recent task runs, notable events, why workers died. */
import { StreamBars } from './stream-bars.js';
import type { TaskEvent } from './tasks.js';

/** Upper bounds (seconds) of the task-duration histogram that /metrics exports. */
export const DURATION_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60];

/** A batch of results a worker copied from peers (drawn in the task stream, counted in /metrics). */
export interface TransferEvent {
  worker: string;
  /** When the copy ended (epoch ms); `start` when it began (equal when the worker did not say). */
  time: number;
  start: number;
  nbytes: number;
  count: number;
}

export class EventLog {
  /** Recent task runs (/api/state, worker pages). */
  readonly stream: TaskEvent[] = [];
  /** The status page's task stream, merged per thread (recorded while `bars.on`: a status page is open). */
  readonly bars = new StreamBars();
  readonly log: { time: number; text: string }[] = [];
  /** Workers that died recently: name -> reason (reported to clients in errors). */
  readonly deaths = new Map<string, string>();
  /** Recent peer transfers, and the bytes moved since the scheduler started. */
  readonly transfers: TransferEvent[] = [];
  bytesTransferred = 0;
  /** Finished tasks per duration bucket (the last is +Inf), and the sum of their durations in seconds. */
  readonly durationCounts: number[] = new Array<number>(DURATION_BUCKETS.length + 1).fill(0);
  durationSum = 0;
  tasksCompleted = 0;
  /** Performance reports being recorded: each keeps every task run and transfer until it stops. */
  readonly recorders = new Set<{ stream: TaskEvent[]; transfers: TransferEvent[] }>();

  note(text: string): void {
    this.log.push({ time: Date.now(), text });
    if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
  }

  ran(event: TaskEvent): void {
    this.stream.push(event);
    if (this.stream.length > 2000) this.stream.splice(0, 1000);
    const s = Math.max(0, (event.stop - event.start) / 1000);
    this.durationSum += s;
    let i = 0;
    while (i < DURATION_BUCKETS.length && s > DURATION_BUCKETS[i]) i++;
    this.durationCounts[i]++;
    if (this.bars.on) this.bars.add(event);
    for (const r of this.recorders) r.stream.push(event);
  }

  transferred(worker: string, nbytes: number, count: number, fetch?: { start: number; stop: number }): void {
    this.bytesTransferred += nbytes;
    const now = Date.now();
    const t: TransferEvent = { worker, time: fetch?.stop ?? now, start: fetch?.start ?? now, nbytes, count };
    this.transfers.push(t);
    for (const r of this.recorders) r.transfers.push(t);
    if (this.transfers.length > 1000) this.transfers.splice(0, 500);
  }
}
