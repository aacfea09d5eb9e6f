/**
 * The differential harness: every case runs through tsdask on every local scheduler and
 * through the reference (pandas, numpy or plain Python: reference.py, ONE process per test
 * file running every case from a JSON spec), and the two must agree (compare.ts).
 *
 * Cases that disagree today are listed, never silently skipped: KNOWN (defects being fixed,
 * keyed by case, with the issue item) must still differ, so a fix that lands makes the suite
 * say "remove from KNOWN"; DIFFERENCES (deliberate, with the reason, also in the README) must
 * differ as described. Under CI=true the reference always runs; elsewhere, without
 * /usr/bin/python3 and pandas, the suite skips naming the package to install.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTION } from '../../src/core/collection.js';
import { compute } from '../../src/core/compute.js';
import type { ComputeOptions } from '../../src/core/options.js';
import { DataFrame, Series } from '../../src/dataframe/index.js';
import { shutdownSchedulers } from '../../src/index.js';
import { SCHEDULERS } from '../helpers/schedulers.js';
import { compare, type CompareOptions } from './compare.js';
import { encode, type Encoded, input, type Meta } from './encode.js';
import { DIFFERENCES, KNOWN } from './known.js';

export const PYTHON = '/usr/bin/python3';
export type Local = 'sync' | 'threads' | 'processes';
export const LOCAL: readonly Local[] = ['sync', 'threads', 'processes'];

export interface Case<C> {
  /** Unique over the whole harness: the key of KNOWN and DIFFERENCES. */
  id: string;
  /** The API.md items this case exercises (api.ts lists them all). */
  api: readonly string[];
  /** The reference: a Python expression, or statements that set `result`. */
  py: string;
  /** The tsdask side: a collection (computed here), a promise, or a value. */
  ts: (ctx: C, opts: ComputeOptions & { scheduler: Local }) => unknown;
  /**
   * When set, `ts` writes files before the reference runs and this Python code (with
   * `{scheduler}` replaced) reads them: the result compared is what pandas read back.
   */
  pyActual?: string;
  cmp?: CompareOptions;
  /** A check of tsdask's result written for this case (instead of, or besides, the comparison). */
  check?: (got: Encoded, want: Encoded) => string[];
  /** Only these schedulers (default: all local ones). */
  schedulers?: readonly Local[];
}

export interface Suite<C> {
  name: string;
  /** Named inputs for the reference: a list of CSV files read by pandas, or a JSON value. */
  datasets: Record<string, { files: string[]; parse_dates?: string[]; dtype?: Record<string, string> }>;
  vars?: Record<string, unknown>;
  /** The reference process's dependency check, e.g. "import pandas". */
  needs: string;
  /** The Debian package that provides it, for the skip message. */
  pkg: string;
  context: () => C | Promise<C>;
  cases: ReadonlyArray<Case<C>>;
}

export function referenceAvailable(needs: string): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', needs], { stdio: 'ignore' }).status === 0;
}

/** Run every case in one reference process; results by case id (and `id@scheduler` for read-backs). */
export function runReference(
  datasets: Suite<unknown>['datasets'],
  vars: Record<string, unknown>,
  cases: Array<{ id: string; py: string }>,
): Record<string, Encoded> {
  const spec = JSON.stringify({ datasets, vars: input(vars), cases });
  const r = spawnSync(PYTHON, [join(__dirname, 'reference.py')], { input: spec, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`reference.py failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Encoded>;
}

function isCollection(v: unknown): v is object {
  return v !== null && typeof v === 'object' && COLLECTION in v;
}

function metaOf(v: unknown): Meta {
  if (v instanceof DataFrame) return { dtypes: v.dtypes };
  if (v instanceof Series) return { dtype: v.dtype };
  return {};
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The tsdask side of one case on one scheduler, encoded; an error (at build or compute time) is a result too. */
export async function runTs<C>(c: Case<C>, ctx: C, scheduler: Local): Promise<Encoded> {
  try {
    const opts = { scheduler };
    // A case may build its collection asynchronously (from a computed head, say).
    const v = await c.ts(ctx, opts);
    const meta = metaOf(v);
    const value = isCollection(v) ? (await compute(v, opts))[0] : v;
    return encode(value, meta);
  } catch (e) {
    return { $error: errorText(e) };
  }
}

/** With TSDASK_DIFF_LOG=file: every disagreement in full and the time per case (for working on the tables). */
function log(line: string): void {
  if (process.env.TSDASK_DIFF_LOG) appendFileSync(process.env.TSDASK_DIFF_LOG, line + '\n');
}

function schedulersOf<C>(c: Case<C>): readonly Local[] {
  return c.schedulers ?? LOCAL;
}

/** Did the case's own table entry say it differs? (Those run alone, so an error in one cannot cost the others a batch.) */
function listed(id: string): boolean {
  return Object.hasOwn(KNOWN, id) || Object.hasOwn(DIFFERENCES, id);
}

/**
 * Every case's tsdask result on one scheduler. Cases whose `ts` returns a collection and that
 * should agree are computed together in ONE compute() (one graph: the CSV blocks are read once
 * for all of them, and the per-compute cost is paid once); if that compute fails, each is
 * computed alone so the failure is attributed to its case. The others run one by one.
 */
async function runOn<C>(cases: ReadonlyArray<Case<C>>, ctx: C, sched: Local, ref: Record<string, Encoded>): Promise<Map<string, Encoded>> {
  const out = new Map<string, Encoded>();
  const batch: Array<{ c: Case<C>; v: object }> = [];
  const opts = { scheduler: sched };
  for (const c of cases) {
    if (c.pyActual !== undefined || !schedulersOf(c).includes(sched)) continue;
    const alone = listed(c.id) || '$error' in ref[c.id];
    let v: unknown;
    try {
      v = c.ts(ctx, opts);
    } catch (e) {
      out.set(c.id, { $error: errorText(e) });
      continue;
    }
    if (!alone && isCollection(v)) {
      batch.push({ c, v });
      continue;
    }
    const t0 = Date.now();
    try {
      const w = await v;
      const value = isCollection(w) ? (await compute(w, opts))[0] : w;
      out.set(c.id, encode(value, metaOf(w)));
    } catch (e) {
      out.set(c.id, { $error: errorText(e) });
    }
    log(`${sched} ${c.id}: ${Date.now() - t0} ms alone`);
  }
  const t0 = Date.now();
  let values: unknown[] | undefined;
  try {
    values = await compute(...batch.map((b) => b.v), opts);
  } catch (e) {
    log(`${sched}: the batch of ${batch.length} failed (${errorText(e).slice(0, 200)}); computing each alone`);
  }
  log(`${sched}: batch of ${batch.length}: ${Date.now() - t0} ms`);
  for (const [i, { c, v }] of batch.entries()) {
    if (values) {
      out.set(c.id, encode(values[i], metaOf(v)));
      continue;
    }
    try {
      out.set(c.id, encode((await compute(v, opts))[0], metaOf(v)));
    } catch (e) {
      out.set(c.id, { $error: errorText(e) });
    }
  }
  return out;
}

/** Define the suite's tap tests (skipping, with the package named, when the reference cannot run outside CI). */
export function defineSuite<C>(s: Suite<C>): void {
  t.teardown(shutdownSchedulers);
  if (!referenceAvailable(s.needs) && process.env.CI !== 'true') {
    t.test(
      `${s.name} against the reference`,
      { skip: `${s.pkg} is not installed: apt-get install -y ${s.pkg} (with CI=true this fails instead)` },
      async () => {},
    );
    return;
  }
  t.test(`${s.name}: tsdask agrees with the reference on every case and scheduler`, async (t) => {
    t.same(SCHEDULERS, LOCAL, 'every local scheduler is registered (none dropped from the run)');
    t.ok(referenceAvailable(s.needs), `${PYTHON} can ${s.needs} (${s.pkg})`);
    const ids = new Set<string>();
    for (const c of s.cases) {
      if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
      ids.add(c.id);
    }
    const ctx = await s.context();
    // Writers first: the reference reads what they wrote.
    const refCases: Array<{ id: string; py: string }> = [];
    for (const c of s.cases) {
      refCases.push({ id: c.id, py: c.py });
      if (c.pyActual === undefined) continue;
      for (const sched of schedulersOf(c)) {
        const w = await runTs(c, ctx, sched);
        if ('$error' in w) throw new Error(`${c.id} on ${sched}: writing failed: ${w.$error}`);
        refCases.push({ id: `${c.id}@${sched}`, py: c.pyActual.replaceAll('{scheduler}', sched) });
      }
    }
    let t0 = Date.now();
    const ref = runReference(s.datasets, s.vars ?? {}, refCases);
    log(`${s.name}: reference ${Date.now() - t0} ms for ${refCases.length} cases`);
    for (const c of s.cases) if (ref[c.id] === undefined) throw new Error(`${c.id}: the reference returned nothing`);
    const results = new Map<Local, Map<string, Encoded>>();
    for (const sched of LOCAL) {
      t0 = Date.now();
      results.set(sched, await runOn(s.cases, ctx, sched, ref));
      log(`${s.name}: ${sched} ${Date.now() - t0} ms`);
    }
    for (const c of s.cases) {
      const got = new Map(schedulersOf(c).map((sched) => [sched, c.pyActual !== undefined ? ref[`${c.id}@${sched}`] : results.get(sched)!.get(c.id)!]));
      judge(t, c, ref[c.id], got);
    }
  });
}

function judge<C>(t: Test, c: Case<C>, want: Encoded, got: Map<Local, Encoded>): void {
  const problems: string[] = [];
  for (const [sched, g] of got) {
    const diffs = c.check ? c.check(g, want) : compare(g, want, c.cmp);
    if (diffs.length) problems.push(`${sched}: ${diffs.join('; ')}`);
  }
  const known = Object.hasOwn(KNOWN, c.id) ? KNOWN[c.id] : undefined;
  const deliberate = Object.hasOwn(DIFFERENCES, c.id) ? DIFFERENCES[c.id] : undefined;
  if (known) {
    t.ok(
      problems.length > 0,
      `${c.id}: KNOWN (issue #10 item ${known.item}: ${known.what}) still differs${problems.length ? ` — ${problems[0]}` : ' — it now matches: remove from KNOWN'}`,
    );
  } else if (deliberate) {
    t.ok(
      problems.length > 0,
      `${c.id}: deliberate difference (${deliberate.reason})${problems.length ? '' : ' — it now matches the reference: remove from DIFFERENCES'}`,
    );
    if (deliberate.check) for (const [sched, g] of got) t.same(deliberate.check(g), [], `${c.id} on ${sched}: behaves as the difference describes`);
  } else {
    t.same(problems, [], `${c.id} [${c.api.join(', ')}]`);
  }
  if (problems.length) log(`DIFF ${c.id}${known ? ' (KNOWN)' : deliberate ? ' (DIFFERENCE)' : ''}\n  ${problems.join('\n  ')}`);
}
