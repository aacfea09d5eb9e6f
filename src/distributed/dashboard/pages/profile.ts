/** The profile page: V8's sampling profiler on every worker thread, merged as a flame graph per task group. */
import { FLAME_JS } from '../client/flame.js';
import { layout } from './layout.js';

export function profilePage(available: boolean): string {
  const body = `<main><section class="wide"><h2>Profile <span class="muted">(samples of what the workers' threads run, per task group)</span></h2>
  <p><label>sample for <select id="dur"><option value="1000">1 s</option><option value="3000" selected>3 s</option><option value="10000">10 s</option></select></label>
  <label><input type="checkbox" id="auto" checked> keep sampling</label> <span id="pstatus" class="muted"></span></p><div id="profile"></div></section></main>`;
  const script = `${FLAME_JS}
const available = ${available ? 'true' : 'false'};
async function sample() {
  if (!available) { el('pstatus').textContent = 'this scheduler has no profiler'; return; }
  el('pstatus').textContent = 'sampling...';
  try {
    const data = await (await fetch('/api/profile?duration=' + el('dur').value, { cache: 'no-store' })).json();
    drawProfile(el('profile'), data);
    el('pstatus').textContent = data.workers.length + ' workers, ' + (data.duration / 1000).toFixed(1) + ' s at ' + (data.interval / 1000) + ' ms per sample';
  } catch (e) { el('pstatus').textContent = 'profile failed: ' + e; }
  if (el('auto').checked) setTimeout(sample, 200);
}
el('auto').onchange = () => { if (el('auto').checked) sample(); };
sample();`;
  return layout('tsdask profile', 'profile', body, script);
}
