/**
 * Messages between the local engine (main thread) and its executors. One `Batch` per
 * executor per scheduling pass carries many tasks; one `Report` per executor run slice
 * carries many completions, so a message round trip is paid per batch, not per task.
 */
import type { FnSpec } from '../../core/functions.js';

/** One step of a fused chain: key, function id, wire args, args hold markers, deps. */
export type WireStep = [key: string, fnId: number, args: unknown[], marked: boolean, deps: string[]];

/** What to do with a result: keep it here, send a copy to main, or send it and drop it. */
export const KEEP = 0;
export const SEND_KEEP = 1;
export const SEND_DROP = 2;
export type SendMode = typeof KEEP | typeof SEND_KEEP | typeof SEND_DROP;

/** `behind`: start only when no other task of its run is running on this executor (sent ahead of time, not to run alongside). */
export type WireTask = [
  key: string,
  priority: number,
  fnId: number,
  args: unknown[],
  marked: boolean,
  deps: string[],
  send: SendMode,
  chain: WireStep[] | 0,
  behind: boolean,
];

export interface Batch {
  run: number;
  /** Function specs this executor has not seen yet, by id. */
  defs?: Array<[number, FnSpec]>;
  /** Values this executor needs from elsewhere: key, wire value, holds markers. */
  data?: Array<[string, unknown, boolean]>;
  tasks?: WireTask[];
  /** Keys no task of this run needs any more. */
  release?: string[];
  /** Send these values to main (for another executor); drop them afterwards if true. */
  fetch?: Array<[string, boolean]>;
}

export interface RemoteError {
  name: string;
  message: string;
  stack?: string;
  /** Own enumerable properties (e.g. `code`), when they could be cloned. */
  props?: Record<string, unknown>;
}

export interface Report {
  run: number;
  /** Completed tasks: key and duration in milliseconds, in completion order. */
  done: Array<[string, number]>;
  values?: Array<[string, unknown, boolean]>;
  errors?: Array<[string, RemoteError]>;
}

/** Executor side, called by main through comlink. */
export interface ExecutorApi {
  init(opts: { base: string; name: string }): void;
  submit(batch: Batch): void;
  endRun(run: number): void;
}

/** Main side, called by executors through comlink. */
export interface MainApi {
  report(r: Report): void;
}
