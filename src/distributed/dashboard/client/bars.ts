/** Per worker: bytes stored (managed / unmanaged / spilled bars against its limit), tasks processing and CPU. */
export const BARS_JS = String.raw`
function drawWorkerBars(tbody, workers) {
  const scale = Math.max(1, ...workers.map((w) => Math.max(w.memoryLimit, w.rss + w.spilled)));
  const most = Math.max(1, ...workers.map((w) => w.processing));
  setHtml(tbody, workers.map((w) => {
    const pct = (n) => (100 * n / scale).toFixed(2) + '%';
    const lim = w.memoryLimit ? '<div class="limit" style="left:' + pct(w.memoryLimit) + '"></div>' : '';
    return '<tr class="worker" data-worker="' + esc(w.address) + '"><td><a href="/worker?address=' + encodeURIComponent(w.address) + '">' + esc(w.name) + '</a></td>' +
      '<td><div class="bar bytes"><div class="managed" style="left:0;width:' + pct(w.managed) + '"></div>' +
      '<div class="unmanaged" style="left:' + pct(w.managed) + ';width:' + pct(w.unmanaged) + '"></div>' +
      '<div class="spilled" style="left:' + pct(w.managed + w.unmanaged) + ';width:' + pct(w.spilled) + '"></div>' + lim + '</div></td>' +
      '<td class="num">' + fmt(w.managed) + ' + ' + fmt(w.unmanaged) + (w.spilled ? ' + ' + fmt(w.spilled) + ' spilled' : '') + (w.memoryLimit ? ' / ' + fmt(w.memoryLimit) : '') + '</td>' +
      '<td><div class="bar small"><div class="proc" style="left:0;width:' + (100 * w.processing / most).toFixed(1) + '%"></div></div></td><td class="num">' + w.processing + '</td>' +
      '<td class="num">' + (100 * w.cpu).toFixed(0) + '%</td><td>' + esc(w.status) + (w.pauseReason ? ' <span class="muted">' + esc(w.pauseReason) + '</span>' : '') + '</td></tr>';
  }).join(''));
}
`;
