/**
 * A performance report: one self-contained HTML file (styles, script and data inline, nothing
 * fetched) with the task stream, progress, profile and worker memory of one recorded run.
 */
import { FLAME_JS } from '../client/flame.js';
import type { ReportData } from '../types.js';
import { escapeHtml, layout, scriptJson } from './layout.js';
import { STATUS_BODY, STATUS_JS } from './status.js';

export function reportPage(data: ReportData, title: string): string {
  const seconds = ((data.stop - data.start) / 1000).toFixed(2);
  const body = `<main><section class="wide"><h2>Performance report: ${escapeHtml(title)}</h2>
  <p id="summary">${data.tasksCompleted} tasks in ${seconds} s on ${data.workers.length} workers (${data.workers.reduce((a, w) => a + w.nthreads, 0)} threads), scheduler ${escapeHtml(data.scheduler)}, recorded ${escapeHtml(new Date(data.start).toISOString())}</p></section></main>
${STATUS_BODY}
<main><section class="wide"><h2>Profile <span class="muted">(per task group)</span></h2><div id="profile"></div></section></main>`;
  const script = `${STATUS_JS}${FLAME_JS}
const report = ${scriptJson(data)};
history = report.history;
renderStatus({ scheduler: report.scheduler, now: report.stop, tasksCompleted: report.tasksCompleted, clients: 0, workers: report.workers, groups: report.groups,
  stream: report.stream, transfers: report.transfers, spills: report.spills, log: [] }, [report.start, report.stop]);
drawProfile(el('profile'), report.profile);`;
  return layout(`tsdask performance report: ${title}`, 'report', body, script, false);
}
