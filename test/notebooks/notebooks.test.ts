/**
 * The notebooks as a user runs them: `npm run notebooks` executes every notebook with Jupyter
 * and the tslab kernel; this test reads the executed output cells (the HTML tables, the SVG
 * graphs, the Client summary, the progress bar and the printed answers, checked against pandas,
 * numpy and plain code written here), then opens each HTML export in headless Chromium and
 * saves a screenshot under .tap/notebooks/.
 */
import t, { type Test } from 'tap';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const out = join(root, '.tap', 'notebooks');
const python = '/usr/bin/python3';
const run = promisify(execFile);

/** What is missing to run the notebooks, named by the Debian package that brings it. */
function missing(): string[] {
  const gaps: string[] = [];
  const probe = (mod: string, pkg: string) => {
    if (spawnSync(python, ['-c', `import ${mod}`]).status !== 0) gaps.push(pkg);
  };
  probe('nbclient', 'python3-nbclient');
  probe('nbconvert', 'python3-nbconvert');
  probe('notebook', 'jupyter-notebook');
  probe('pandas', 'python3-pandas');
  probe('sklearn', 'python3-sklearn');
  if (spawnSync('which', ['chromium']).status !== 0) gaps.push('chromium');
  return gaps;
}

// Four notebooks (each a kernel, a cluster or two) and four Chromium screenshots: longer than
// the suite's per-file default on a loaded machine.
t.setTimeout(600_000);

const gaps = missing();
if (gaps.length > 0 && process.env.CI === 'true') throw new Error(`the notebook test needs: apt-get install ${gaps.join(' ')}`);

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
interface Notebook {
  cells: Array<{ cell_type: string; outputs?: Output[] }>;
}
const joined = (x: string | string[] | undefined): string => (Array.isArray(x) ? x.join('') : (x ?? ''));

/** The executed notebook's outputs, by kind: printed text, HTML displays, SVG displays, errors. */
function outputsOf(name: string): { text: string; html: string[]; svg: string[]; errors: string[] } {
  const nb = JSON.parse(readFileSync(join(out, `${name}.ipynb`), 'utf8')) as Notebook;
  const res = { text: '', html: [] as string[], svg: [] as string[], errors: [] as string[] };
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === 'stream' && o.name === 'stdout') res.text += joined(o.text);
      if (o.output_type === 'stream' && o.name === 'stderr') res.errors.push(joined(o.text));
      if (o.output_type === 'error') res.errors.push(JSON.stringify(o));
      if (o.data?.['text/html'] !== undefined) res.html.push(joined(o.data['text/html']));
      if (o.data?.['image/svg+xml'] !== undefined) res.svg.push(joined(o.data['image/svg+xml']));
    }
  }
  return res;
}

/** The JSON printed after `label: ` on its own line. */
function printed(text: string, label: string): unknown {
  const line = text.split('\n').find((l) => l.startsWith(`${label}: `));
  if (line === undefined) throw new Error(`no line '${label}: ...' in the notebook's output:\n${text}`);
  return JSON.parse(line.slice(label.length + 2));
}

function near(t: Test, got: Record<string, number>, want: Record<string, number>, what: string): void {
  t.same(Object.keys(got).sort(), Object.keys(want).sort(), `${what}: same labels`);
  for (const k of Object.keys(want)) t.ok(Math.abs(got[k] - want[k]) <= 1e-9 * Math.max(1, Math.abs(want[k])), `${what}[${k}]: ${got[k]} vs ${want[k]}`);
}

/** The seed's calcMean, written again here: n pseudo-normal draws seeded by i. */
function calcMeanReference(i: number, n: number): number {
  let state = (i + 1) * 2654435761;
  let total = 0;
  for (let k = 0; k < n; k++) {
    state = (state * 1664525 + 1013904223) % 4294967296;
    const u1 = (state + 0.5) / 4294967296;
    state = (state * 1664525 + 1013904223) % 4294967296;
    const u2 = (state + 0.5) / 4294967296;
    total += Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return total / n;
}

/** A line of 0/1 digits printed after `label: `, as labels. */
function digitsAfter(text: string, label: string): number[] {
  const line = text.split('\n').find((l) => l.startsWith(`${label}: `));
  if (line === undefined || !/^[01]+$/.test(line.slice(label.length + 2))) throw new Error(`no line '${label}: 0101...' in the notebook's output:\n${text}`);
  return Array.from(line.slice(label.length + 2), Number);
}

/** scikit-learn's classification_report text for these labels and predictions. */
function sklearnReport(yTrue: number[], yPred: number[], names: string[]): string {
  const code =
    'import json, sys\nfrom sklearn.metrics import classification_report\nd = json.load(sys.stdin)\nprint(classification_report(d["t"], d["p"], target_names=d["n"]))';
  const r = spawnSync(python, ['-c', code], { input: JSON.stringify({ t: yTrue, p: yPred, n: names }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scikit-learn's classification_report failed: ${r.stderr}`);
  return r.stdout;
}

/** The report's lines (header to 'weighted avg'), trailing blanks dropped. */
function reportLines(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trimEnd());
  const start = lines.findIndex((l) => /^\s+precision\s+recall\s+f1-score\s+support$/.test(l));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('weighted avg'));
  if (start < 0 || end < 0) throw new Error(`no classification report in:\n${text}`);
  return lines.slice(start, end + 1);
}

t.test('the notebooks execute and show their results', { skip: gaps.length > 0 ? `needs apt-get install ${gaps.join(' ')}` : false }, async (t) => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const env = { ...process.env, TSDASK_NOTEBOOK_DATA: join(out, 'data') };
  const res = await run(process.execPath, [join(root, 'notebooks', 'run.mjs'), '--out', out], { env, encoding: 'utf8', timeout: 420_000 }).catch(
    (e: { stdout?: string; stderr?: string; message: string }) => ({ stdout: e.stdout ?? '', stderr: `${e.message}\n${e.stderr ?? ''}` }),
  );
  const names = ['01-delayed-and-futures', '02-dataframe-nycflights', '03-stackoverflow-cluster', '04-bag-and-array'];
  for (const n of names) t.match(res.stdout, new RegExp(`^${n}: ok`, 'm'), `${n} executed without error\n${res.stderr}`);
  const ref = JSON.parse((await run(python, [join(__dirname, 'reference.py'), join(out, 'data')], { encoding: 'utf8' })).stdout) as Reference;

  t.test('01 delayed and futures', async (t) => {
    const o = outputsOf(names[0]);
    const data = [1, 2, 3, 4, 5];
    const total = data.reduce((s, x) => s + (x + 1) + x * 2, 0);
    for (const label of ['loop total', 'comprehension total', 'decorated total', 'global sync', 'scoped processes', 'per call on the cluster'])
      t.equal(printed(o.text, label), total, label);
    t.equal(printed(o.text, 'submit'), 42);
    t.same(
      printed(o.text, 'gather'),
      [1, 2, 3, 4, 5, 6, 7, 8].map((x) => x * x),
    );
    t.equal(
      printed(o.text, 'asCompleted sum'),
      [1, 2, 3, 4, 5, 6, 7, 8].reduce((s, x) => s + x * x, 0),
    );
    t.same(printed(o.text, 'one call'), { mean: 499.5, max: 999, nested: [[2, 3], [8]] });
    t.match(o.text, /^tasks run: 3 in one compute call .*, 4 in two calls/m);
    const means = Array.from({ length: 8 }, (_, i) => calcMeanReference(i, 20_000).toFixed(5)).join(' ');
    t.match(o.text, `random means: ${means}\n`, 'the seeded random means');
    t.match(o.text, /^reproducible: true$/m);
    for (const s of ['sync', 'threads', 'processes', 'distributed'])
      t.match(o.text, new RegExp(`^${s} +${[1, 2, 3, 4, 5, 6, 7, 8].reduce((a, x) => a + x + 1, 0)}  first`, 'm'));
    t.ok(
      o.svg.some((s) => s.startsWith('<svg') && (s.match(/class="node"/g) ?? []).length === 16),
      'the loop graph as inline SVG: 5 inc, 5 double, 5 add and one sum',
    );
    t.ok(
      o.html.some((h) => /class="tsdask-cluster"/.test(h) && /<a href="http:\/\/127\.0\.0\.1:\d+\/status"/.test(h) && /<td>Workers<\/td><td>2<\/td>/.test(h)),
      'the Client summary with its dashboard link',
    );
    t.ok(
      o.html.some(
        (h) => /class="tsdask-error"/.test(h) && /RangeError/.test(h) && /in task <code>fails-[0-9a-f]+<\/code> on a worker/.test(h) && /remote stack/.test(h),
      ),
      'the error names its task and shows the remote stack',
    );
  });

  t.test('02 nycflights', async (t) => {
    const o = outputsOf(names[1]);
    const f = ref.flights;
    t.ok(
      o.html.some((h) => /class="tsdask-error"/.test(h) && /TailNum/.test(h)),
      'the dtype trap is shown as an error naming the column',
    );
    t.ok(
      o.html.some(
        (h) =>
          /class="tsdask lazy-structure"/.test(h) &&
          /<th><\/th><th>Date<\/th>/.test(h) &&
          /<td><strong>dtype<\/strong><\/td><td>datetime<\/td>/.test(h) &&
          /npartitions=3/.test(h),
      ),
      'the lazy structure table',
    );
    t.ok(
      o.html.some((h) => /class="tsdask frame"/.test(h) && h.includes(`5 rows × ${f.columns} columns`)),
      'head() as an HTML table with its shape',
    );
    t.equal(printed(o.text, 'rows'), f.rows);
    t.equal(printed(o.text, 'max DepDelay'), f.maxDepDelay);
    const cancelled = o.html.find((h) => /class="tsdask series"/.test(h) && /<th>Cancelled<\/th>/.test(h)) ?? '';
    for (const [k, v] of Object.entries(f.cancelled)) t.match(cancelled, `<td><strong>${k}</strong></td><td>${v}</td>`, `Cancelled == ${k}: ${v}`);
    near(t, printed(o.text, 'mean DepDelay by Origin') as Record<string, number>, f.depDelayByOrigin, 'mean DepDelay by Origin');
    near(t, printed(o.text, 'min ArrDelay by Dest') as Record<string, number>, f.minArrDelayByDest, 'min ArrDelay by Dest (on the cluster)');
    t.ok(
      o.svg.some((s) => s.startsWith('<svg') && /class="node"/.test(s)),
      'the query graph as inline SVG',
    );
    t.ok(
      o.html.some((h) => /class="tsdask-cluster"/.test(h) && /Dashboard<\/td><td><a href="http:\/\/127\.0\.0\.1:\d+\/status"/.test(h)),
      'the Client summary with the dashboard link',
    );
    t.ok(
      o.html.some((h) => /class="tsdask-progress" data-percent="100"/.test(h)),
      'the progress bar, redrawn in place, ends at 100%',
    );
    // The grid search on the cluster: its report equals scikit-learn's on the same predictions.
    t.match(o.text, ` of ${f.withArrival} flights, `, 'the feature matrix has one row per flight with an ArrDelay');
    const yTrue = digitsAfter(o.text, 'test labels');
    const yPred = digitsAfter(o.text, 'test predictions');
    t.equal(yPred.length, yTrue.length, 'one prediction per test flight');
    t.ok(yTrue.length > 100 && yTrue.includes(1) && yTrue.includes(0), `a test set with both classes (${yTrue.length} flights)`);
    const mine = reportLines(o.text.slice(o.text.indexOf('classification report (held-out test set):')));
    t.same(mine, reportLines(sklearnReport(yTrue, yPred, ['on time', 'late'])), "classification report = scikit-learn's classification_report");
    t.match(o.text, /^best parameters: \{"maxDepth":\d+,"nEstimators":\d+,"seed":42\}$/m, 'the best parameters of the search');
  });

  t.test('03 stackoverflow on a cluster', async (t) => {
    const o = outputsOf(names[2]);
    const s = ref.stacklite;
    t.ok(
      o.html.some((h) => /class="tsdask-cluster"/.test(h)),
      'the Client summary',
    );
    near(t, printed(o.text, 'task 2') as Record<string, number>, s.t2, 'Task 2');
    t.same(printed(o.text, 'task 3'), s.t3, 'Task 3');
    t.equal(printed(o.text, 'task 4'), s.t4, 'Task 4');
    const t5 = printed(o.text, 'task 5') as Array<{ NumQuestions: number }>;
    t.same(
      t5.map((r) => r.NumQuestions),
      s.t5NumQuestions,
      'Task 5',
    );
    const t6 = printed(o.text, 'task 6') as { byQuestions: Array<{ NumQuestions: number }> };
    t.same(
      t6.byQuestions.map((r) => r.NumQuestions),
      s.t6NumQuestions,
      'Task 6',
    );
    t.match(o.text, /^task 7 same as task 5: true$/m);
    t.match(o.text, /^task 8 same as task 6: true$/m);
    t.match(o.text, /^workers left: 1$/m);
    for (let k = 1; k <= 8; k++) t.match(o.text, new RegExp(`^Task ${k}: [0-9.]+ s$`, 'm'), `Task ${k} is timed`);
    t.ok(
      o.html.some((h) => /class="tsdask frame"/.test(h) && /<th>NumQuestions<\/th>/.test(h)),
      'the owner table as HTML',
    );
  });

  t.test('04 bag and array', async (t) => {
    const o = outputsOf(names[3]);
    t.equal(printed(o.text, 'lines'), ref.text.lines);
    t.equal(printed(o.text, 'python lines'), ref.text.python);
    t.same(printed(o.text, 'by language'), ref.text.byLanguage);
    t.match(o.text, /^row means: shape \[1000\], first (10\.0\d{3}|9\.9\d{3})( (10\.0\d{3}|9\.9\d{3})){3}$/m, 'row means of N(10, 0.1) rows near 10');
    t.match(o.text, /^x\.dot\(x\.T\.add\(1\)\): shape \[1000,1000\]$/m);
    t.same(printed(o.text, 'check'), ref.array, 'the hand-checkable matrix against numpy');
    t.ok(
      o.svg.some((s) => s.startsWith('<svg')),
      'the array graph as inline SVG',
    );
  });

  t.test('the HTML exports render in Chromium', async (t) => {
    for (const n of names) {
      const html = join(out, `${n}.html`);
      t.ok(existsSync(html), `${n}.html written`);
      const page = readFileSync(html, 'utf8');
      // 04 shows graphs only; the others tables and summaries too.
      t.match(page, n.startsWith('04') ? /<svg/ : /class="tsdask/, `${n}.html carries the rich outputs`);
      const png = join(out, `${n}.png`);
      await run(
        'chromium',
        ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--window-size=1200,2400', `--screenshot=${png}`, `file://${html}`],
        {
          timeout: 150_000,
        },
      );
      const bytes = readFileSync(png);
      t.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${n}.png is a screenshot`);
      t.ok(bytes.length > 10_000, `${n}.png has content (${bytes.length} bytes)`);
    }
  });
});

interface Reference {
  flights: {
    rows: number;
    columns: number;
    maxDepDelay: number;
    cancelled: Record<string, number>;
    depDelayByOrigin: Record<string, number>;
    minArrDelayByDest: Record<string, number>;
    withArrival: number;
  };
  stacklite: {
    t2: Record<string, number>;
    t3: Record<string, number>;
    t4: number;
    t5NumQuestions: number[];
    t6NumQuestions: number[];
  };
  text: { lines: number; python: number; byLanguage: Record<string, number> };
  array: { rowMeans: number[]; shape: number[]; sum: number; trace: number };
}
