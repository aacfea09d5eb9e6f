/**
 * The task stream: one lane per worker thread, a bar per task coloured by its group, red
 * bars where a worker copied results from peers (from the copy's start to its end) and orange
 * ticks where it spilled to disk. The lane is the thread the worker says ran the task (the
 * inline executor is thread 0), so a worker shows one lane per thread it has.
 */
export const STREAM_JS = String.raw`
function threadLanes(workers, events) {
  const byWorker = {};
  for (const w of workers) byWorker[w.address] = { n: Math.max(1, w.nthreads), items: [], threads: new Set() };
  for (const e of events) {
    const b = byWorker[e.worker]; if (!b) continue;
    const lane = e.thread || 0;
    if (lane >= b.n) b.n = lane + 1;
    b.threads.add(lane);
    b.items.push([lane, e]);
  }
  return byWorker;
}
function drawStream(cv, workers, events, transfers, spills, t0, t1) {
  const lanes = threadLanes(workers, events);
  const laneH = Math.max(3, Math.min(16, 320 / Math.max(1, workers.reduce((a, w) => a + lanes[w.address].n, 0))));
  let rows = 0; const top = {};
  for (const w of workers) { top[w.address] = rows; rows += lanes[w.address].n; }
  const H = Math.max(40, rows * laneH + 16), LEFT = 90;
  const { g, w: W } = sizeCanvas(cv, H);
  const x = (t) => LEFT + (W - LEFT) * (t - t0) / Math.max(1, t1 - t0);
  g.clearRect(0, 0, W, H); g.font = '10px sans-serif'; g.textBaseline = 'middle';
  const hit = [];
  workers.forEach((w, wi) => {
    const y0 = top[w.address] * laneH, n = lanes[w.address].n;
    if (wi % 2) { g.fillStyle = '#f3f5f8'; g.fillRect(LEFT, y0, W - LEFT, n * laneH); }
    g.fillStyle = '#56606b'; g.fillText(w.name, 2, y0 + Math.min(n * laneH, 14) / 2);
    for (const [lane, e] of lanes[w.address].items) {
      const a = Math.max(LEFT, x(e.start)), b = Math.max(a + 1, x(e.stop));
      if (b < LEFT) continue;
      g.fillStyle = e.status === 'error' ? '#000' : color(groupOf(e.key));
      const y = y0 + lane * laneH;
      g.fillRect(a, y + 0.5, b - a, laneH - 1);
      hit.push([a, b, y, y + laneH, e]);
    }
  });
  // Transfers: a translucent bar over the worker's lanes for as long as the copy took; spills: a tick.
  let widest = 0;
  g.globalAlpha = 0.55;
  for (const m of transfers) {
    const y = top[m.worker]; if (y === undefined) continue;
    const a = Math.max(LEFT, x(m.start === undefined ? m.time : m.start)), b = Math.max(a + 2, x(m.time));
    if (b < LEFT) continue;
    g.fillStyle = '#e63946'; g.fillRect(a, y * laneH, b - a, lanes[m.worker].n * laneH);
    widest = Math.max(widest, b - a);
    hit.push([a, b, y * laneH, (y + lanes[m.worker].n) * laneH, { key: 'transfer of ' + m.count + ' result(s), ' + fmt(m.nbytes), worker: m.worker, start: m.start === undefined ? m.time : m.start, stop: m.time }]);
  }
  g.globalAlpha = 1;
  for (const m of spills) { const y = top[m.worker]; if (y === undefined) continue; const xx = x(m.time); if (xx < LEFT) continue; g.fillStyle = '#f4a261'; g.fillRect(xx - 1, y * laneH, 2, lanes[m.worker].n * laneH); }
  g.fillStyle = '#7a8591'; g.fillText(((t1 - t0) / 1000).toFixed(0) + ' s shown; red: transfers, orange: spills', LEFT, H - 7);
  cv.dataset.lanes = JSON.stringify(Object.fromEntries(workers.map((w) => [w.name, lanes[w.address].n])));
  cv.dataset.threads = JSON.stringify(Object.fromEntries(workers.map((w) => [w.name, [...lanes[w.address].threads].sort((p, q) => p - q)])));
  cv.dataset.tasks = String(hit.length);
  cv.dataset.transferWidest = widest.toFixed(1);
  cv.onmousemove = (ev) => {
    const r = cv.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    let h; for (let i = hit.length - 1; i >= 0; i--) { const q = hit[i]; if (px >= q[0] && px <= q[1] && py >= q[2] && py < q[3]) { h = q; break; } }
    const tip = el('tip'); if (!tip) return;
    if (!h) { tip.style.display = 'none'; return; }
    tip.textContent = h[4].key + ' on ' + h[4].worker + ': ' + fmtSec((h[4].stop - h[4].start) / 1000);
    tip.style.display = 'block'; tip.style.left = (ev.pageX + 12) + 'px'; tip.style.top = (ev.pageY + 12) + 'px';
  };
}
`;
