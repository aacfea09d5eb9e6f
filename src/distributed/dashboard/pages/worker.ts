/** The workers list and each worker's page: its details, recent log lines and recent tasks. */
import { HISTORY_JS } from '../client/history.js';
import type { WorkerPage, WorkerRow } from '../types.js';
import { escapeHtml, layout, scriptJson } from './layout.js';

export function workersPage(workers: readonly WorkerRow[]): string {
  const rows = workers
    .map(
      (w) =>
        `<tr><td><a href="/worker?address=${encodeURIComponent(w.address)}">${escapeHtml(w.name)}</a></td><td>${escapeHtml(w.address)}</td><td>${escapeHtml(w.host)}</td><td>${w.pid}</td>` +
        `<td>${w.nthreads}</td><td>${w.processing}</td><td>${w.tasksDone}</td><td>${escapeHtml(w.status)}</td></tr>`,
    )
    .join('');
  const body = `<main><section class="wide"><h2>Workers</h2><table><thead><tr><th>name</th><th>address</th><th>host</th><th>pid</th><th>threads</th><th>processing</th><th>tasks done</th><th>status</th></tr></thead><tbody>${rows}</tbody></table></section></main>`;
  return layout('tsdask workers', 'workers', body, '');
}

export function workerPage(page: WorkerPage): string {
  const body = `<main>
  <section><h2>Worker <span id="wname"></span></h2><table id="details"><tbody></tbody></table></section>
  <section><h2>Memory</h2><canvas id="mem"></canvas></section>
  <section><h2>Recent tasks</h2><table id="recent"><thead><tr><th>key</th><th>run time</th><th>finished</th><th>status</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Log</h2><pre id="wlog"></pre><h3>Scheduler events about this worker</h3><pre id="slog"></pre></section>
</main>`;
  const script = `${HISTORY_JS}
function renderWorker(p) {
  if (!p) { el('wname').textContent = '(gone)'; return; }
  const w = p.worker;
  el('wname').textContent = w.name;
  const rows = [['address', w.address], ['host', w.host], ['pid', w.pid], ['threads', w.nthreads], ['status', w.status + (w.pauseReason ? ' (' + w.pauseReason + ')' : '')],
    ['memory limit', w.memoryLimit ? fmt(w.memoryLimit) : 'none'], ['process memory', fmt(w.rss)], ['managed', fmt(w.managed)], ['unmanaged', fmt(w.unmanaged)], ['V8 heap', fmt(w.heap)],
    ['spilled', fmt(w.spilled) + ' in ' + w.spilledCount + ' files'], ['processing', w.processing], ['results held', w.inMemory], ['tasks done', w.tasksDone], ['CPU', (100 * w.cpu).toFixed(0) + '%']];
  document.querySelector('#details tbody').innerHTML = rows.map(([k, v]) => '<tr><th>' + esc(k) + '</th><td>' + esc(v) + '</td></tr>').join('');
  document.querySelector('#recent tbody').innerHTML = p.recent.slice().reverse().map((e) => '<tr class="task"><td>' + esc(e.key) + '</td><td class="num">' + fmtSec((e.stop - e.start) / 1000) + '</td><td class="num">' + new Date(e.stop).toLocaleTimeString() + '</td><td>' + esc(e.status) + '</td></tr>').join('');
  el('slog').textContent = p.log.map((l) => new Date(l.time).toLocaleTimeString() + '  ' + l.text).join('\\n') || '(none)';
  if (p.workerLog.length) el('wlog').textContent = p.workerLog.join('\\n');
  drawHistory(el('mem'), p.history, [w], (v) => v.rss, 'process memory', fmt);
}
renderWorker(${scriptJson(page)});
el('wlog').textContent = ${scriptJson(page.workerLog.join('\n'))} || '(nothing logged)';
live('page=worker&address=' + encodeURIComponent(${scriptJson(page.worker.address)}), (m) => {
  if (m.type === 'worker') renderWorker(m.worker);
  else if (m.type === 'logs' && m.lines.length) el('wlog').textContent = m.lines.join('\\n');
});`;
  return layout(`tsdask worker ${page.worker.name}`, 'workers', body, script);
}
