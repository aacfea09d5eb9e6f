/**
 * Browser-side helpers every page shares (plain JavaScript, no dependencies): formatting,
 * HTML escaping, group colours and the websocket that brings live updates. Rendering is
 * batched to one animation frame however many messages arrive.
 */
export const LIB_JS = String.raw`
const fmt = (n) => { if (!n) return '0 B'; const u = ['B','KiB','MiB','GiB','TiB']; let i = 0; while (n >= 1024 && i < 4) { n /= 1024; i++; } return n.toFixed(i ? 1 : 0) + ' ' + u[i]; };
const fmtSec = (s) => s == null ? '' : s < 1e-3 ? (s * 1e6).toFixed(0) + ' us' : s < 1 ? (s * 1e3).toFixed(1) + ' ms' : s < 120 ? s.toFixed(2) + ' s' : (s / 60).toFixed(1) + ' min';
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const palette = ['#457b9d','#e76f51','#2a9d8f','#f4a261','#8d6cab','#e9c46a','#264653','#d62828','#6a994e','#bc6c25','#577590','#b5838d'];
const colors = {};
function color(name) { if (!(name in colors)) colors[name] = palette[Object.keys(colors).length % palette.length]; return colors[name]; }
function groupOf(key) { const i = key.lastIndexOf('-'); return i > 0 ? key.slice(0, i) : key; }
function el(id) { return document.getElementById(id); }
// Rewrite a part only when its HTML changed: an unchanged table costs no layout.
function setHtml(node, html) { if (node.__html !== html) { node.innerHTML = html; node.__html = html; } }
function live(query, onMessage) {
  let pending = [], scheduled = false;
  const flush = () => { scheduled = false; const msgs = pending; pending = []; for (const m of msgs) onMessage(m); };
  const open = () => {
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?' + query);
    ws.onopen = () => { const c = el('conn'); if (c) c.textContent = 'live'; };
    ws.onmessage = (e) => { pending.push(JSON.parse(e.data)); if (!scheduled) { scheduled = true; requestAnimationFrame(flush); setTimeout(() => { if (scheduled) flush(); }, 1000); } };
    ws.onclose = () => { const c = el('conn'); if (c) c.textContent = 'disconnected, retrying'; setTimeout(open, 2000); };
  };
  open();
}
// The canvas width comes from a ResizeObserver, not clientWidth: reading that right after the
// tables changed would force a layout of the whole page on every render. The backing store is
// reallocated only when the size changed.
function sizeCanvas(cv, h) {
  const r = window.devicePixelRatio || 1;
  if (cv.__w === undefined) { cv.__w = cv.clientWidth || 800; new ResizeObserver((es) => { for (const e of es) cv.__w = Math.round(e.contentRect.width) || cv.__w; }).observe(cv); }
  const w = cv.__w;
  if (cv.width !== Math.round(w * r)) cv.width = Math.round(w * r);
  if (cv.height !== Math.round(h * r)) { cv.height = Math.round(h * r); cv.style.height = h + 'px'; }
  const g = cv.getContext('2d'); g.setTransform(r, 0, 0, r, 0, 0); g.clearRect(0, 0, w, h); return { g, w, h };
}
`;
