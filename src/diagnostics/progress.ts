/**
 * ProgressBar: a Callbacks set that draws `[#####     ] | 52% Completed |  3.1s` while a
 * compute runs. Terminals get an in-place bar on stderr; notebooks and logs (no TTY) get a
 * line per 10% step on stdout, so captured output stays readable; in a tslab notebook (and no
 * `out` given) an HTML bar is redrawn in place.
 */
import { globalCallbacks, persist } from '../core/compute.js';
import type { Graph } from '../core/graph.js';
import type { Callbacks } from '../core/scheduler.js';
import { notebookProgressSink, type ProgressSink } from '../display/progress-html.js';

export interface ProgressBarOptions {
  /** Width of the bar in characters (default 40). */
  width?: number;
  /** Seconds before the bar appears; short computes stay silent (default 0.5). */
  minimum?: number;
  /** Seconds between redraws (default 0.1). */
  dt?: number;
  out?: NodeJS.WritableStream & { isTTY?: boolean };
}

export class ProgressBar implements Callbacks {
  private total = 0;
  private done = 0;
  private t0 = 0;
  private timer: NodeJS.Timeout | undefined;
  private shown = false;
  private lastStep = -1;
  private readonly width: number;
  private readonly minimum: number;
  private readonly dt: number;
  private readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Draw in a notebook rather than on `out` (only when no `out` was given). */
  private readonly toNotebook: boolean;
  /** This compute's notebook bar: a new display entry per compute. */
  private sink: ProgressSink | undefined;

  constructor(opts: ProgressBarOptions = {}) {
    this.width = opts.width ?? 40;
    this.minimum = opts.minimum ?? 0.5;
    this.dt = opts.dt ?? 0.1;
    this.out = opts.out ?? (process.stderr.isTTY ? process.stderr : process.stdout);
    this.toNotebook = opts.out === undefined;
  }

  /** Show a bar for every later compute, until `unregister()`. */
  register(): this {
    globalCallbacks.add(this);
    return this;
  }
  unregister(): void {
    globalCallbacks.delete(this);
  }

  start(graph: Graph): void {
    this.total = graph.size;
    this.done = 0;
    this.shown = false;
    this.lastStep = -1;
    this.sink = this.toNotebook ? notebookProgressSink() : undefined;
    this.t0 = performance.now();
    this.timer = setInterval(() => this.draw(false), this.dt * 1000);
    this.timer.unref();
  }
  posttask(): void {
    this.done++;
  }
  finish(error?: unknown): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (error === undefined) this.done = this.total;
    if (this.shown || this.elapsed() >= this.minimum) this.draw(true);
  }

  private elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** The bar's text for the current state. */
  render(): string {
    const frac = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const filled = Math.round(frac * this.width);
    const pct = Math.floor(frac * 100);
    return `[${'#'.repeat(filled)}${' '.repeat(this.width - filled)}] | ${String(pct).padStart(3)}% Completed | ${this.elapsed().toFixed(1).padStart(5)}s`;
  }

  private draw(final: boolean): void {
    if (!final && this.elapsed() < this.minimum) return;
    this.shown = true;
    if (this.sink) {
      this.sink.draw(Math.min(this.done, this.total), this.total, this.elapsed());
      return;
    }
    if (this.out.isTTY) {
      this.out.write(`\r${this.render()}${final ? '\n' : ''}`);
      return;
    }
    const step = Math.floor((this.done / Math.max(1, this.total)) * 10);
    if (final || step > this.lastStep) {
      this.lastStep = step;
      this.out.write(`${this.render()}\n`);
    }
  }
}

interface FutureLike {
  result(): Promise<unknown>;
  /** Settles when the task finishes, without moving its data to the caller. */
  whenDone?(): Promise<void>;
}
const isFutureLike = (x: unknown): x is FutureLike => typeof (x as FutureLike | null)?.result === 'function';

/**
 * Show progress until the given futures or collections are done. Collections are persisted
 * (kept computed) and returned in the same shape; futures are awaited.
 */
export async function progress<A extends unknown[]>(...items: A): Promise<A> {
  const flat: unknown[] = items.flat(1);
  if (flat.length > 0 && flat.every(isFutureLike)) {
    const bar = new ProgressBar({ minimum: 0 });
    bar.start(new Map(flat.map((_, i) => [String(i), undefined as never])));
    await Promise.allSettled(flat.map((f) => (f.whenDone?.() ?? f.result()).finally(() => bar.posttask())));
    bar.finish();
    return items;
  }
  const persisted: unknown[] = await persist(...items, { callbacks: [new ProgressBar({ minimum: 0 })] });
  return persisted.slice(0, items.length) as A;
}
