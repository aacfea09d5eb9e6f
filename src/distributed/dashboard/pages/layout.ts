/** The frame every dashboard page shares: head, styles, navigation and the shared browser helpers. */
import { LIB_JS } from '../client/lib.js';

const CSS = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d232b; }
  header { background: #1d3557; color: #fff; padding: 8px 18px; display: flex; gap: 20px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header a { color: #fff; opacity: .8; text-decoration: none; } header a.on { opacity: 1; font-weight: 600; border-bottom: 2px solid #a8dadc; }
  header span { opacity: .85; }
  main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; padding: 12px; }
  section { background: #fff; border: 1px solid #dde2e8; border-radius: 6px; padding: 8px 12px; min-width: 0; }
  section.wide { grid-column: 1 / 3; }
  h2 { font-size: 14px; margin: 0 0 6px; color: #1d3557; } h3 { font-size: 13px; margin: 8px 0 4px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eef0f3; font-variant-numeric: tabular-nums; vertical-align: middle; }
  td.num { white-space: nowrap; font-size: 12px; } th { color: #56606b; font-weight: 600; }
  .bar { position: relative; height: 14px; background: #eef0f3; border-radius: 3px; overflow: hidden; min-width: 120px; }
  .bar.small { min-width: 60px; } .bar > div { position: absolute; top: 0; bottom: 0; }
  .bar .limit { width: 2px; background: #1d232b; }
  .managed { background: #457b9d; } .unmanaged { background: #a8dadc; } .spilled { background: #8d99ae; }
  .done { background: #2a9d8f; } .proc { background: #e9c46a; } .err { background: #e63946; }
  canvas { width: 100%; display: block; }
  #log, pre { font-family: ui-monospace, monospace; font-size: 12px; max-height: 220px; overflow: auto; white-space: pre-wrap; margin: 0; }
  .muted { color: #7a8591; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 3px; border-radius: 2px; }
  #legend span { margin-right: 12px; } #legend i { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 3px; }
  #tip { position: absolute; display: none; background: #1d232b; color: #fff; padding: 3px 6px; border-radius: 3px; font-size: 12px; pointer-events: none; max-width: 600px; }
  .flame-area { position: relative; overflow: hidden; } .flame h3 { margin-top: 10px; }
  .frame { position: absolute; height: 16px; font-size: 11px; line-height: 16px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding: 0 2px; box-sizing: border-box; border: 1px solid #fff; }
`;

export type PageName = 'status' | 'graph' | 'profile' | 'workers' | 'report';

/** A whole page. `script` runs after the shared helpers; `body` is trusted markup (every user string in it already escaped). */
export function layout(title: string, active: PageName, body: string, script: string, nav = true): string {
  const link = (href: string, name: PageName, text: string): string => `<a href="${href}"${name === active ? ' class="on"' : ''}>${text}</a>`;
  const links = nav
    ? [
        link('/status', 'status', 'Status'),
        link('/graph', 'graph', 'Graph'),
        link('/profile', 'profile', 'Profile'),
        link('/workers', 'workers', 'Workers'),
      ].join(' ')
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${CSS}</style>
</head>
<body>
<header><h1>tsdask</h1>${links}<span id="sched"></span><span id="totals"></span><span id="conn" class="muted"></span></header>
${body}
<div id="tip"></div>
<script>
${LIB_JS}
${script}
</script>
</body>
</html>
`;
}

/** Text for HTML (element content and quoted attributes). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** JSON to embed in a <script>: '<' escaped so no string can close the script element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
