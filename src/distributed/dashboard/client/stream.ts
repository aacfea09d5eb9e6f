/**
 * The task stream: one lane per worker thread, a bar per task coloured by its group, red
 * bars where a worker copied results from peers (from the copy's start to its end) and orange
 * ticks where it spilled to disk. The lane is the thread the worker says ran the task (the
 * inline executor is thread 0), so a worker shows one lane per thread it has.
 */
export const STREAM_JS = String.raw`
function threadLanes(workers, events) {
  const byWorker = {};
  let tasks = 0;
  for (const w of workers) byWorker[w.address] = { n: Math.max(1, w.nthreads), items: [], threads: new Set() };
  for (const e of events) {
    const b = byWorker[e.worker]; if (!b) continue;
    tasks += e.count;
    const lane = e.thread || 0;
    if (lane >= b.n) b.n = lane + 1;
    b.threads.add(lane);
    b.items.push([lane, e]);
  }
  return { byWorker, tasks };
}
function drawStream(cv, workers, events, transfers, spills, t0, t1) {
  const { byWorker: lanes, tasks } = threadLanes(workers, events);
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
    // Sorted by start per lane; a bar touching the previous one of the same colour within a pixel is drawn with it.
    const items = lanes[w.address].items.sort((p, q) => p[0] - q[0] || p[1].start - q[1].start);
    let run = null;
    const flush = () => { if (run) { g.fillStyle = run.col; g.fillRect(run.a, run.y + 0.5, run.b - run.a, laneH - 1); } };
    for (const [lane, e] of items) {
      const a = Math.max(LEFT, x(e.start)), b = Math.max(a + 1, x(e.stop));
      if (b < LEFT) continue;
      const col = e.errors > 0 ? '#000' : color(e.group), y = y0 + lane * laneH;
      if (run && run.y === y && run.col === col && a - run.b < 1) run.b = Math.max(run.b, b);
      else { flush(); run = { a, b, y, col }; }
      hit.push([a, b, y, y + laneH, e]);
    }
    flush();
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
    hit.push([a, b, y * laneH, (y + lanes[m.worker].n) * laneH, { key: 'transfer of ' + m.count + ' result(s), ' + fmt(m.nbytes), worker: m.worker, start: m.start === undefined ? m.time : m.start, stop: m.time, count: 1 }]);
  }
  g.globalAlpha = 1;
  for (const m of spills) { const y = top[m.worker]; if (y === undefined) continue; const xx = x(m.time); if (xx < LEFT) continue; g.fillStyle = '#f4a261'; g.fillRect(xx - 1, y * laneH, 2, lanes[m.worker].n * laneH); }
  g.fillStyle = '#7a8591'; g.fillText(((t1 - t0) / 1000).toFixed(0) + ' s shown; red: transfers, orange: spills', LEFT, H - 7);
  cv.dataset.lanes = JSON.stringify(Object.fromEntries(workers.map((w) => [w.name, lanes[w.address].n])));
  cv.dataset.threads = JSON.stringify(Object.fromEntries(workers.map((w) => [w.name, [...lanes[w.address].threads].sort((p, q) => p - q)])));
  cv.dataset.tasks = String(tasks);
  cv.dataset.bars = String(events.length);
  cv.dataset.transferWidest = widest.toFixed(1);
  cv.onmousemove = (ev) => {
    const r = cv.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    let h; for (let i = hit.length - 1; i >= 0; i--) { const q = hit[i]; if (px >= q[0] && px <= q[1] && py >= q[2] && py < q[3]) { h = q; break; } }
    const tip = el('tip'); if (!tip) return;
    if (!h) { tip.style.display = 'none'; return; }
    const e = h[4], what = e.count > 1 ? e.count + ' tasks of ' + e.group : e.key || e.group;
    tip.textContent = what + ' on ' + e.worker + (e.thread ? ' thread ' + e.thread : '') + ': ' + fmtSec((e.stop - e.start) / 1000);
    tip.style.display = 'block'; tip.style.left = (ev.pageX + 12) + 'px'; tip.style.top = (ev.pageY + 12) + 'px';
  };
}
`;
