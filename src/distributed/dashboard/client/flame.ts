/**
 * A flame graph of a merged profile: the root at the top, each frame as wide as its share of
 * the samples. Frames are DOM elements whose names are set as text (never parsed as HTML).
 */
export const FLAME_JS = String.raw`
function drawFlame(box, root, title) {
  const wrap = document.createElement('div'); wrap.className = 'flame';
  const head = document.createElement('h3'); head.textContent = title + ' (' + root.count + ' samples)'; wrap.appendChild(head);
  const area = document.createElement('div'); area.className = 'flame-area'; wrap.appendChild(area);
  let depth = 0;
  const add = (node, left, width, d) => {
    if (width < 0.15) return;
    depth = Math.max(depth, d + 1);
    const f = document.createElement('div'); f.className = 'frame';
    f.style.left = left + '%'; f.style.width = width + '%'; f.style.top = (d * 17) + 'px';
    f.style.background = node.name === '(idle)' ? '#cfd6de' : 'hsl(' + (20 + (node.name.length * 37) % 40) + ',85%,' + (62 + (d % 3) * 6) + '%)';
    f.textContent = node.name; f.title = node.name + ' ' + node.where + ': ' + node.count + ' samples';
    area.appendChild(f);
    let x = left;
    for (const c of node.children) { const cw = width * c.count / Math.max(1, node.count); add(c, x, cw, d + 1); x += cw; }
  };
  add(root, 0, 100, 0);
  area.style.height = (depth * 17 + 2) + 'px';
  box.appendChild(wrap);
}
function drawProfile(box, data) {
  box.textContent = '';
  const names = Object.keys(data.groups).sort((a, b) => data.groups[b].count - data.groups[a].count);
  if (names.length === 0) { box.textContent = 'no samples'; return; }
  for (const n of names) drawFlame(box, data.groups[n], n);
}
`;
