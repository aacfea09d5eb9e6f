// Summarise a V8 .cpuprofile (node --cpu-prof) by where the time goes in tsdask: CSV parsing,
// dataframe kernels, scheduling, transfer (serialisation), conversion to danfo, and the rest;
// then the top functions by self time.
//
//   node bench/lib/profile-summary.mjs PROFILE.cpuprofile [--top 15]
import { readFileSync } from 'node:fs';

const CATEGORIES = [
  ['parse (CSV)', /\/dataframe\/(io\/csv|parse)\/|\/dataframe\/ops\/read-csv|float-text/],
  ['conversion to danfo', /danfojs|\/dataframe\/danfo|tfjs/],
  ['transfer (serialise)', /\/core\/serialize|\/dataframe\/codec|\/distributed\/(protocol|task-codec|connection)|\/executor\//],
  ['scheduling', /\/core\/(graph|order|optimize|compute|collection|tree-reduce|plan)|\/schedulers\/|\/distributed\/(scheduler|worker|client)/],
  ['kernels (dataframe ops)', /\/dataframe\/(ops|column|frame)/],
];

function categoryOf(url) {
  for (const [name, re] of CATEGORIES) if (re.test(url)) return name;
  if (url === '') return 'native / GC / idle';
  return 'other JS';
}

const file = process.argv[2];
const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 15;
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const cat = new Map();
const fn = new Map();
let total = 0;
for (const [id, us] of dt) {
  const n = byId.get(id);
  const f = n.callFrame;
  if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
  total += us;
  // readCsv's row loop is compiled with new Function (csv/fast-rows.ts): it has no url.
  const c = f.functionName === '(garbage collector)' ? 'native / GC / idle' : f.functionName === 'fastRows' && f.url === '' ? 'parse (CSV)' : categoryOf(f.url);
  cat.set(c, (cat.get(c) ?? 0) + us);
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(src|dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
}
const ms = (us) => (us / 1000).toFixed(0).padStart(7);
console.log(`busy ${ms(total)} ms (idle excluded)`);
for (const [c, us] of [...cat].sort((a, b) => b[1] - a[1])) console.log(`${ms(us)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${c}`);
console.log('\ntop functions by self time:');
for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ms  ${k}`);
