/**
 * The task stream: one lane per worker thread, a bar per task coloured by its group, red
 * ticks where a worker copied results from peers and orange ticks where it spilled to disk.
 * Tasks are packed into lanes by time (a thread runs one task at a time), so a worker shows
 * as many lanes as it has threads busy at once.
 */
export const STREAM_JS = String.raw`
function packLanes(workers, events) {
  const byWorker = {};
  for (const w of workers) byWorker[w.address] = { ends: new Array(w.nthreads).fill(-Infinity), items: [] };
  const sorted = events.slice().sort((a, b) => a.start - b.start);
  for (const e of sorted) {
    const b = byWorker[e.worker]; if (!b) continue;
    let lane = b.ends.findIndex((end) => end <= e.start);
    if (lane < 0) { lane = b.ends.length; b.ends.push(-Infinity); }
    b.ends[lane] = e.stop;
    b.items.push([lane, e]);
  }
  return byWorker;
}
function drawStream(cv, workers, events, transfers, spills, t0, t1) {
  const lanes = packLanes(workers, events);
  const laneH = Math.max(3, Math.min(16, 320 / Math.max(1, workers.reduce((a, w) => a + lanes[w.address].ends.length, 0))));
  let rows = 0; const top = {};
  for (const w of workers) { top[w.address] = rows; rows += lanes[w.address].ends.length; }
  const H = Math.max(40, rows * laneH + 16), LEFT = 90;
  const { g, w: W } = sizeCanvas(cv, H);
  const x = (t) => LEFT + (W - LEFT) * (t - t0) / Math.max(1, t1 - t0);
  g.clearRect(0, 0, W, H); g.font = '10px sans-serif'; g.textBaseline = 'middle';
  const hit = [];
  workers.forEach((w, wi) => {
    const y0 = top[w.address] * laneH, n = lanes[w.address].ends.length;
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
  const mark = (list, col) => { for (const m of list) { const y = top[m.worker]; if (y === undefined) continue; const xx = x(m.time); if (xx < LEFT) continue; g.fillStyle = col; g.fillRect(xx - 1, y * laneH, 2, lanes[m.worker].ends.length * laneH); } };
  mark(transfers, '#e63946'); mark(spills, '#f4a261');
  g.fillStyle = '#7a8591'; g.fillText(((t1 - t0) / 1000).toFixed(0) + ' s shown; red: transfers, orange: spills', LEFT, H - 7);
  cv.dataset.lanes = JSON.stringify(Object.fromEntries(workers.map((w) => [w.name, lanes[w.address].ends.length])));
  cv.dataset.tasks = String(hit.length);
  cv.onmousemove = (ev) => {
    const r = cv.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    const h = hit.find(([a, b, y0, y1]) => px >= a && px <= b && py >= y0 && py < y1);
    const tip = el('tip'); if (!tip) return;
    if (!h) { tip.style.display = 'none'; return; }
    tip.textContent = h[4].key + ' on ' + h[4].worker + ': ' + fmtSec((h[4].stop - h[4].start) / 1000);
    tip.style.display = 'block'; tip.style.left = (ev.pageX + 12) + 'px'; tip.style.top = (ev.pageY + 12) + 'px';
  };
}
`;
