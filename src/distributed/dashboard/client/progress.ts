/** Progress per task group: done / processing / erred of its tasks, with mean and total run time. */
export const PROGRESS_JS = String.raw`
function drawProgress(tbody, groups) {
  setHtml(tbody, groups.map((g) => {
    const t = Math.max(1, g.total), d = 100 * (g.memory + g.released) / t, p = 100 * g.processing / t, e = 100 * g.erred / t;
    return '<tr class="group"><td class="name" style="border-left:4px solid ' + color(g.name) + '">' + esc(g.name) + '</td><td style="width:45%"><div class="bar"><div class="done" style="left:0;width:' + d + '%"></div>' +
      '<div class="proc" style="left:' + d + '%;width:' + p + '%"></div><div class="err" style="left:' + (d + p) + '%;width:' + e + '%"></div></div></td>' +
      '<td class="num">' + (g.memory + g.released) + ' / ' + g.total + (g.erred ? ' (' + g.erred + ' erred)' : '') + '</td>' +
      '<td class="num">' + (g.avgDuration == null ? '' : 'mean ' + fmtSec(g.avgDuration) + ', total ' + fmtSec(g.durationSum)) + '</td></tr>';
  }).join('') || '<tr><td class="muted">no tasks</td></tr>');
}
`;
