/** The status page: bytes per worker, task stream per thread, progress, processing, CPU and memory over time, events. */
import { BARS_JS } from '../client/bars.js';
import { HISTORY_JS } from '../client/history.js';
import { PROGRESS_JS } from '../client/progress.js';
import { STREAM_JS } from '../client/stream.js';
import { BAR_FIELDS, type DashboardState, type HistorySample } from '../types.js';
import { layout, scriptJson } from './layout.js';

export const STATUS_BODY = `<main>
  <section><h2>Bytes stored per worker <span class="legend muted"><i class="managed"></i>managed <i class="unmanaged"></i>unmanaged <i class="spilled"></i>spilled</span></h2>
    <table id="workers"><thead><tr><th>worker</th><th>memory</th><th></th><th>processing</th><th></th><th>CPU</th><th>status</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Progress per task group</h2><table id="progress"><tbody></tbody></table></section>
  <section class="wide"><h2>Task stream <span class="muted">(one lane per worker thread)</span></h2><canvas id="stream"></canvas></section>
  <section><h2>CPU per worker</h2><canvas id="cpu"></canvas></section>
  <section><h2>Memory per worker</h2><canvas id="mem"></canvas></section>
  <section class="wide"><h2>Events</h2><div id="log"></div></section>
</main>`;

/**
 * Draws a state (live or from a report) into the status page's parts. Live messages carry the
 * stream as packed bars that changed (kept by id, an open bar replaced as it grows); a report
 * and the first render carry plain runs. Tables are rewritten only when their HTML changed.
 */
export const STATUS_JS = `${BARS_JS}${PROGRESS_JS}${STREAM_JS}${HISTORY_JS}
let drawnHistory = '', stream = [], bars = new Map(), transfers = [], spills = [], history = [], seenMarks = new Set(), seenRuns = new Set(), liveFrom = Infinity;
// Seconds of task stream shown (?window=S, default 20): a short window shows short tasks and copies wider.
const SPAN_MS = (Number(new URLSearchParams(location.search).get('window')) || 20) * 1000;
function addMarks(list, into) { for (const m of list) { const id = m.worker + ' ' + m.time; if (!seenMarks.has(id)) { seenMarks.add(id); into.push(m); } } }
function addBars(p) {
  for (let i = 0; i < p.bars.length; i += ${BAR_FIELDS}) {
    const b = p.bars, start = p.t0 + b[i + 4];
    if (start < liveFrom) liveFrom = start;
    bars.set(b[i], { worker: p.workers[b[i + 1]], thread: b[i + 2], group: p.groups[b[i + 3]], start, stop: p.t0 + b[i + 5], count: b[i + 6], errors: b[i + 7] });
  }
}
function renderStatus(s, window) {
  el('sched').textContent = s.scheduler;
  const threads = s.workers.reduce((a, w) => a + w.nthreads, 0), mem = s.workers.reduce((a, w) => a + w.memoryLimit, 0);
  el('totals').textContent = s.workers.length + ' workers, ' + threads + ' threads, ' + fmt(mem) + ' memory, ' + s.tasksCompleted + ' tasks done, ' + s.clients + ' clients';
  drawWorkerBars(document.querySelector('#workers tbody'), s.workers);
  drawProgress(document.querySelector('#progress tbody'), s.groups);
  if (s.bars) addBars(s.bars);
  for (const e of s.stream || []) { const id = e.worker + ' ' + e.key + ' ' + e.start; if (!seenRuns.has(id)) { seenRuns.add(id); stream.push({ worker: e.worker, thread: e.thread || 0, group: e.group || groupOf(e.key), key: e.key, start: e.start, stop: e.stop, count: 1, errors: e.status === 'error' ? 1 : 0 }); } }
  addMarks(s.transfers, transfers); addMarks(s.spills, spills);
  const t1 = window ? window[1] : s.now, t0 = window ? window[0] : t1 - SPAN_MS;
  if (!window) {
    // Plain runs (the first render) give way to the live bars where those begin.
    stream = stream.filter((e) => e.stop > t0 && e.stop < liveFrom); transfers = transfers.filter((e) => e.time > t0); spills = spills.filter((e) => e.time > t0);
    for (const [id, b] of bars) if (b.stop <= t0) bars.delete(id);
    if (seenRuns.size > 4 * stream.length + 1000) seenRuns = new Set();
    if (seenMarks.size > 4 * (transfers.length + spills.length) + 1000) seenMarks = new Set([...transfers, ...spills].map((m) => m.worker + ' ' + m.time));
  }
  drawStream(el('stream'), s.workers, bars.size ? stream.concat([...bars.values()]) : stream, transfers, spills, t0, t1);
  // The history gains a sample a second: redrawn only then (or when the workers change).
  const drawn = history.length + ' ' + (history.length ? history[history.length - 1].time : 0) + ' ' + s.workers.map((w) => w.address).join(' ');
  if (drawn !== drawnHistory) {
    drawnHistory = drawn;
    drawHistory(el('cpu'), history, s.workers, (v) => v.cpu, 'cores busy', (v) => v.toFixed(1));
    drawHistory(el('mem'), history, s.workers, (v) => v.rss, 'process memory', fmt);
  }
  const log = s.log.map((l) => new Date(l.time).toLocaleTimeString() + '  ' + l.text).join('\\n');
  if (el('log').textContent !== log) el('log').textContent = log;
}
`;

export function statusPage(initial: DashboardState, samples: readonly HistorySample[]): string {
  const script = `${STATUS_JS}
history = ${scriptJson(samples)};
renderStatus(${scriptJson(initial)});
live('page=status', (m) => {
  if (m.type !== 'state') return;
  const last = history[history.length - 1];
  if (!last || m.state.now - last.time >= 900) history.push({ time: m.state.now, workers: Object.fromEntries(m.state.workers.map((w) => [w.address, { cpu: w.cpu, rss: w.rss, managed: w.managed, spilled: w.spilled }])) });
  if (history.length > 300) history.splice(0, history.length - 300);
  renderStatus(m.state);
});`;
  return layout('tsdask dashboard', 'status', STATUS_BODY, script);
}
