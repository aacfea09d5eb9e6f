/** CPU (cores busy) and memory per worker over the last minutes, one line per worker. */
export const HISTORY_JS = String.raw`
function drawHistory(cv, samples, workers, pick, label, format) {
  const { g, w: W, h: H } = sizeCanvas(cv, 140);
  g.clearRect(0, 0, W, H);
  if (samples.length < 2) { g.fillStyle = '#7a8591'; g.fillText('collecting samples...', 10, 20); return; }
  const t0 = samples[0].time, t1 = samples[samples.length - 1].time;
  let max = 1e-9;
  for (const s of samples) for (const a in s.workers) max = Math.max(max, pick(s.workers[a]));
  const x = (t) => 40 + (W - 50) * (t - t0) / Math.max(1, t1 - t0), y = (v) => H - 14 - (H - 24) * v / max;
  g.strokeStyle = '#dde2e8'; g.beginPath(); g.moveTo(40, y(max)); g.lineTo(W - 10, y(max)); g.moveTo(40, y(0)); g.lineTo(W - 10, y(0)); g.stroke();
  g.fillStyle = '#7a8591'; g.font = '10px sans-serif'; g.fillText(format(max), 2, y(max) + 3); g.fillText(label + ', last ' + Math.round((t1 - t0) / 1000) + ' s', 44, H - 3);
  for (const wk of workers) {
    g.strokeStyle = color('worker ' + wk.address); g.lineWidth = 1.5; g.beginPath();
    let started = false;
    for (const s of samples) { const v = s.workers[wk.address]; if (!v) continue; if (!started) { g.moveTo(x(s.time), y(pick(v))); started = true; } else g.lineTo(x(s.time), y(pick(v))); }
    g.stroke();
  }
  cv.dataset.samples = String(samples.length);
}
`;
