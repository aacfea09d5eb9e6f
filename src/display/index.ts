/**
 * Rich display in tslab notebooks. tslab prints a cell's last value as text (console.log), so
 * rich output is asked for: `display(x)` renders what tsdask knows as HTML or SVG through the
 * kernel's display API, and prints everything else (and everything outside a notebook) as the
 * terminal would. `toHTML(x)` is the rendering alone.
 */
import { isDanfoFrame, isDanfoSeries } from '../dataframe/danfo-detect.js';
import { clusterHtml, summaryOf } from './cluster.js';
import { danfoFrameHtml, danfoSeriesHtml } from './danfo-table.js';
import { errorHtml } from './error.js';
import { isLazyFrame, isLazySeries, lazyFrameHtml, lazySeriesHtml } from './structure.js';
import { notebookApi } from './tslab.js';

export { progressHtml } from './progress-html.js';
export type { ClusterSummary, WorkerLine } from './cluster.js';

/** A rich rendering: HTML, or an SVG document (what `visualize()` returns). */
export type Rich = { mime: 'text/html'; data: string } | { mime: 'image/svg+xml'; data: string };

/** Text that is an SVG document, as `visualize({ format: 'svg' })` returns. */
function isSvgText(x: unknown): x is string {
  if (typeof x !== 'string') return false;
  const head = x.trimStart().slice(0, 200);
  return head.startsWith('<svg') || (head.startsWith('<?xml') && x.includes('<svg'));
}

/** The rich form of a value tsdask knows how to show, else undefined. */
export function richOf(x: unknown): Rich | undefined {
  // From the <svg> element on: notebook front ends and exporters embed it in HTML, where an XML
  // declaration or DOCTYPE is refused.
  if (isSvgText(x)) return { mime: 'image/svg+xml', data: x.slice(x.indexOf('<svg')) };
  const html = toHTML(x);
  return html === undefined ? undefined : { mime: 'text/html', data: html };
}

/** HTML for lazy frames and series, danfo results, Clients and clusters, and errors; else undefined. */
export function toHTML(x: unknown): string | undefined {
  if (isLazyFrame(x)) return lazyFrameHtml(x);
  if (isLazySeries(x)) return lazySeriesHtml(x);
  if (isDanfoFrame(x)) return danfoFrameHtml(x);
  if (isDanfoSeries(x)) return danfoSeriesHtml(x);
  const summary = summaryOf(x);
  if (summary) return clusterHtml(summary);
  if (x instanceof Error) return errorHtml(x);
  return undefined;
}

/** Show values in the notebook's output: rich where tsdask has a rendering, as text otherwise. */
export function display(...values: unknown[]): void {
  const api = notebookApi();
  for (const v of values) {
    const rich = api ? richOf(v) : undefined;
    if (api && rich?.mime === 'image/svg+xml') api.display.svg(rich.data);
    else if (api && rich) api.display.html(rich.data);
    // Outside a notebook (or for other values) exactly what printing the value gives.
    else console.log(v);
  }
}
