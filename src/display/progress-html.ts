/** The progress bar as HTML, redrawn in place in a notebook (one display entry per compute). */
import { escapeHtml } from './html.js';
import { notebookApi, type NotebookDisplay } from './tslab.js';

export function progressHtml(done: number, total: number, seconds: number): string {
  const frac = total === 0 ? 1 : Math.min(1, done / total);
  const pct = Math.floor(frac * 100);
  const label = escapeHtml(`${pct}% Completed | ${done} / ${total} tasks | ${seconds.toFixed(1)}s`);
  return (
    `<div class="tsdask-progress" data-percent="${pct}">` +
    `<div style="display:inline-block;width:300px;height:14px;border:1px solid #888;vertical-align:middle">` +
    `<div style="width:${pct}%;height:100%;background:#4a8"></div></div> <span>${label}</span></div>`
  );
}

/** Where a ProgressBar draws in a notebook; undefined outside one. */
export interface ProgressSink {
  draw(done: number, total: number, seconds: number): void;
}

/** A sink that opens a fresh display entry on its first draw and overwrites it after. */
export function notebookProgressSink(): ProgressSink | undefined {
  const api = notebookApi();
  if (!api) return undefined;
  let entry: NotebookDisplay | undefined;
  return {
    draw(done, total, seconds) {
      entry ??= api.newDisplay();
      entry.html(progressHtml(done, total, seconds));
    },
  };
}
