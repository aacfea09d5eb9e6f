/**
 * The dashboard's single page: plain HTML, CSS and a small polling script (no dependencies).
 * The first state is embedded, so the page shows the cluster even before its first poll.
 */
export function statusPage(initialState: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tsdask dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232b; }
  header { background: #1d3557; color: #fff; padding: 10px 18px; display: flex; gap: 24px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  header span { opacity: .85; }
  main { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; padding: 14px; }
  section { background: #fff; border: 1px solid #dde2e8; border-radius: 6px; padding: 10px 12px; }
  section.wide { grid-column: 1 / 3; }
  h2 { font-size: 14px; margin: 0 0 8px; color: #1d3557; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eef0f3; font-variant-numeric: tabular-nums; }
  th { color: #56606b; font-weight: 600; }
  .bar { position: relative; height: 14px; background: #eef0f3; border-radius: 3px; overflow: hidden; min-width: 120px; }
  .bar > div { position: absolute; top: 0; bottom: 0; }
  .mem { background: #457b9d; } .spill { background: #a8dadc; } .high { background: #e63946; }
  .done { background: #2a9d8f; } .proc { background: #e9c46a; } .err { background: #e63946; } .wait { background: #cfd6de; }
  #stream { width: 100%; height: 220px; display: block; }
  #log { font-family: ui-monospace, monospace; font-size: 12px; max-height: 160px; overflow: auto; white-space: pre-wrap; }
  .muted { color: #7a8591; }
</style>
</head>
<body>
<header><h1>tsdask</h1><span id="sched"></span><span id="totals"></span></header>
<main>
  <section class="wide"><h2>Workers</h2><table id="workers"><thead><tr>
    <th>name</th><th>address</th><th>threads</th><th>processing</th><th>results</th><th>memory (managed + unmanaged = process / limit)</th><th></th><th>V8 heap</th><th>spilled</th><th>status</th>
  </tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Task stream <span class="muted">(last 20 s, one row per worker)</span></h2><svg id="stream"></svg></section>
  <section><h2>Progress</h2><table id="progress"><tbody></tbody></table></section>
  <section><h2>Events</h2><div id="log"></div></section>
</main>
<script>
const fmt = (n) => { if (!n) return '0 B'; const u = ['B','KiB','MiB','GiB','TiB']; let i = 0; while (n >= 1024 && i < 4) { n /= 1024; i++; } return n.toFixed(i ? 1 : 0) + ' ' + u[i]; };
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const colors = {};
const palette = ['#457b9d','#e76f51','#2a9d8f','#f4a261','#8d6cab','#e9c46a','#264653','#d62828','#6a994e','#bc6c25'];
function color(name) { if (!(name in colors)) colors[name] = palette[Object.keys(colors).length % palette.length]; return colors[name]; }
let stream = [];
let since = 0;
async function tick() {
  let s;
  try { s = await (await fetch('/api/state?since=' + since, { cache: 'no-store' })).json(); }
  catch (e) { document.getElementById('totals').textContent = 'scheduler unreachable'; return; }
  render(s);
}
function render(s) {
  document.getElementById('sched').textContent = s.scheduler;
  const threads = s.workers.reduce((a, w) => a + w.nthreads, 0);
  const mem = s.workers.reduce((a, w) => a + w.memoryLimit, 0);
  document.getElementById('totals').textContent = s.workers.length + ' workers, ' + threads + ' threads, ' + fmt(mem) + ' memory, ' + s.tasksCompleted + ' tasks done, ' + s.clients + ' clients';
  const wb = document.querySelector('#workers tbody');
  wb.innerHTML = s.workers.map((w) => {
    const lim = w.memoryLimit || Math.max(w.rss, 1);
    const pManaged = Math.min(100, 100 * w.managed / lim), pRss = Math.min(100, 100 * w.rss / lim);
    return '<tr><td>' + esc(w.name) + '</td><td>' + esc(w.address) + '</td><td>' + w.nthreads + '</td><td>' + w.processing + '</td><td>' + w.inMemory +
      '</td><td>' + fmt(w.managed) + ' + ' + fmt(w.unmanaged) + ' = ' + fmt(w.rss) + ' / ' + (w.memoryLimit ? fmt(w.memoryLimit) : 'no limit') +
      '</td><td><div class="bar"><div class="' + (pRss > 80 ? 'high' : 'spill') + '" style="left:0;width:' + pRss + '%"></div><div class="mem" style="left:0;width:' + pManaged + '%"></div></div></td><td>' +
      fmt(w.heap) + '</td><td>' + fmt(w.spilled) + ' (' + w.spilledCount + ')</td><td>' + esc(w.status) +
      (w.pauseReason ? '<div class="muted">' + esc(w.pauseReason) + '</div>' : '') + '</td></tr>';
  }).join('');
  const pb = document.querySelector('#progress tbody');
  pb.innerHTML = s.groups.map((g) => {
    const t = Math.max(1, g.total);
    const d = 100 * (g.memory + g.released) / t, p = 100 * g.processing / t, e = 100 * g.erred / t;
    return '<tr><td>' + esc(g.name) + '</td><td style="width:55%"><div class="bar"><div class="done" style="left:0;width:' + d + '%"></div><div class="proc" style="left:' + d + '%;width:' + p + '%"></div><div class="err" style="left:' + (d + p) + '%;width:' + e + '%"></div></div></td><td>' +
      (g.memory + g.released) + ' / ' + g.total + (g.erred ? ' (' + g.erred + ' erred)' : '') + '</td></tr>';
  }).join('') || '<tr><td class="muted">no tasks</td></tr>';
  document.getElementById('log').textContent = s.log.map((l) => new Date(l.time).toLocaleTimeString() + '  ' + l.text).join('\\n');
  for (const e of s.stream) { stream.push(e); if (e.stop > since) since = e.stop; }
  const now = Date.now();
  stream = stream.filter((e) => e.stop > now - 20000);
  const svg = document.getElementById('stream');
  const W = svg.clientWidth || 800, H = 220;
  const rows = s.workers.map((w) => w.address);
  const rowH = Math.max(6, Math.min(30, (H - 20) / Math.max(1, rows.length)));
  const x = (t) => W * (1 - (now - t) / 20000);
  let out = '';
  rows.forEach((r, i) => { out += '<text x="2" y="' + (i * rowH + rowH * 0.7) + '" font-size="10" fill="#7a8591">' + esc(r) + '</text>'; });
  for (const e of stream) {
    const i = rows.indexOf(e.worker); if (i < 0) continue;
    const name = e.key.replace(/-[^-]*$/, '');
    const x0 = x(e.start), w = Math.max(1, x(e.stop) - x0);
    out += '<rect x="' + x0 + '" y="' + (i * rowH + 1) + '" width="' + w + '" height="' + (rowH - 2) + '" fill="' + (e.status === 'error' ? '#000' : color(name)) + '"><title>' + esc(e.key) + ' ' + (e.stop - e.start).toFixed(1) + ' ms</title></rect>';
  }
  svg.innerHTML = out;
}
render(${initialState.replace(/</g, '\\u003c')});
setInterval(tick, 500);
</script>
</body>
</html>
`;
}
