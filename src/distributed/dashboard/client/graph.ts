/**
 * The task graph, laid out once per submission: a task's column is its longest path from a
 * root, rows follow within a column. Each node is recoloured by state as updates arrive;
 * beyond the task limit nodes are task groups drawn as bars of their states.
 */
export const GRAPH_JS = String.raw`
const STATE_COLORS = { w: '#cfd6de', p: '#2a9d8f', m: '#d62828', e: '#000000', r: '#8d99ae', f: '#eef0f3' };
const STATE_NAMES = { w: 'waiting', p: 'processing', m: 'in memory', e: 'erred', r: 'released', f: 'forgotten' };
function layoutGraph(shape) {
  const n = shape.nodes.length, depth = new Array(n).fill(0), indeg = new Array(n).fill(0), out = Array.from({ length: n }, () => []);
  for (const [a, b] of shape.edges) { out[a].push(b); indeg[b]++; }
  const queue = []; for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  for (let q = 0; q < queue.length; q++) { const a = queue[q]; for (const b of out[a]) { depth[b] = Math.max(depth[b], depth[a] + 1); if (--indeg[b] === 0) queue.push(b); } }
  const cols = []; for (let i = 0; i < n; i++) (cols[depth[i]] = cols[depth[i]] || []).push(i);
  const pos = new Array(n), rows = Math.max(1, ...cols.map((c) => c ? c.length : 0));
  cols.forEach((c, d) => { if (c) { c.sort((a, b) => shape.nodes[a].group < shape.nodes[b].group ? -1 : shape.nodes[a].group > shape.nodes[b].group ? 1 : a - b); c.forEach((i, r) => { pos[i] = [d, (r + 0.5) * rows / c.length]; }); } });
  return { pos, cols: cols.length, rows };
}
function drawGraph(cv, shape, layout, st) {
  const H = Math.max(200, Math.min(700, layout.rows * (shape.mode === 'groups' ? 40 : 8) + 40));
  const { g, w: W } = sizeCanvas(cv, H);
  g.clearRect(0, 0, W, H);
  const X = (d) => 20 + (W - 40) * (layout.cols > 1 ? d / (layout.cols - 1) : 0.5), Y = (r) => 20 + (H - 40) * r / layout.rows;
  const counts = {};
  if (shape.edges.length <= 20000) {
    g.strokeStyle = 'rgba(120,130,140,0.25)'; g.beginPath();
    for (const [a, b] of shape.edges) { const p = layout.pos[a], q = layout.pos[b]; g.moveTo(X(p[0]), Y(p[1])); g.lineTo(X(q[0]), Y(q[1])); }
    g.stroke();
  }
  if (shape.mode === 'tasks') {
    const r = Math.max(1.5, Math.min(6, (H - 40) / layout.rows / 2.5));
    for (let i = 0; i < shape.nodes.length; i++) {
      const c = st.states[i] || 'f'; counts[c] = (counts[c] || 0) + 1;
      const p = layout.pos[i]; g.fillStyle = STATE_COLORS[c]; g.beginPath(); g.arc(X(p[0]), Y(p[1]), r, 0, 7); g.fill();
    }
  } else {
    g.font = '11px sans-serif';
    shape.nodes.forEach((node, i) => {
      const c = st.groups[i], tot = Math.max(1, c.waiting + c.processing + c.memory + c.erred + c.released + c.forgotten);
      const p = layout.pos[i], x0 = X(p[0]) - 50, y0 = Y(p[1]) - 9; let x = x0;
      for (const [k, v] of [['f', c.forgotten], ['r', c.released], ['m', c.memory], ['p', c.processing], ['w', c.waiting], ['e', c.erred]]) {
        counts[k] = (counts[k] || 0) + v; g.fillStyle = STATE_COLORS[k]; g.fillRect(x, y0, 100 * v / tot, 12); x += 100 * v / tot;
      }
      g.fillStyle = '#1d232b'; g.fillText(node.key + ' (' + tot + ')', x0, y0 + 22);
    });
  }
  cv.dataset.counts = JSON.stringify(counts);
  el('legend').innerHTML = Object.keys(STATE_COLORS).map((k) => '<span class="state-' + k + '"><i style="background:' + STATE_COLORS[k] + '"></i>' + STATE_NAMES[k] + ' ' + (counts[k] || 0) + '</span>').join(' ');
  cv.onmousemove = (ev) => {
    const rct = cv.getBoundingClientRect(), px = ev.clientX - rct.left, py = ev.clientY - rct.top, tip = el('tip');
    let best = -1, bd = 100;
    for (let i = 0; i < shape.nodes.length; i++) { const p = layout.pos[i], d = Math.abs(X(p[0]) - px) + Math.abs(Y(p[1]) - py); if (d < bd) { bd = d; best = i; } }
    if (best < 0 || bd > 12) { tip.style.display = 'none'; return; }
    tip.textContent = shape.nodes[best].key + (shape.mode === 'tasks' ? ': ' + STATE_NAMES[st.states[best] || 'f'] : '');
    tip.style.display = 'block'; tip.style.left = (ev.pageX + 12) + 'px'; tip.style.top = (ev.pageY + 12) + 'px';
  };
}
`;
