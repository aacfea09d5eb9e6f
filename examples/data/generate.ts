/**
 * Deterministic generators for the seed workloads' data, at any size:
 *  - StackLite-like `questions.csv` (Id, CreationDate, ClosedDate, DeletionDate, Score,
 *    OwnerUserId, AnswerCount; missing values written as NA) and `question_tags.csv` (Id, Tag);
 *  - an NYC-flights-like folder `1990.csv` ... `1999.csv` with the classic columns, where
 *    TailNum is empty for the first rows of every file and CRSElapsedTime has missing values
 *    only further down, so dtype inference from a sample goes wrong exactly as in the seed.
 *
 * As a script:  npx tsx examples/data/generate.ts [--out DIR] [--questions N] [--flight-rows N] [--seed S] [--only stacklite|flights]
 * As a module:  import { generateStackLite, generateFlights } from './examples/data/generate';
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: small, fast, reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Buffered line writer (writes in ~1MB chunks). */
class Writer {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  line(s: string): void {
    this.parts.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join('\n') + '\n', 'utf8');
    writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
function isoZ(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** Zipf-like pick in [0, n): small indexes much more likely. */
function zipf(r: () => number, n: number, s = 1.1): number {
  // Inverse-CDF approximation of a bounded power law.
  const u = r();
  const x = Math.floor(Math.pow(n + 1, Math.pow(u, s)) - 1);
  return Math.min(n - 1, Math.max(0, x));
}

const TAG_WORDS = [
  'javascript', 'java', 'c#', 'php', 'android', 'jquery', 'python', 'html', 'c++', 'ios', 'mysql', 'css', 'sql', 'asp.net',
  'objective-c', 'ruby-on-rails', '.net', 'c', 'iphone', 'arrays', 'angularjs', 'sql-server', 'json', 'ruby', 'r', 'ajax',
  'regex', 'xml', 'node.js', 'asp.net-mvc', 'linux', 'django', 'wpf', 'database', 'swift', 'excel', 'string', 'spring',
  'windows', 'wordpress', 'vba', 'git', 'eclipse', 'multithreading', 'bash', 'oracle', 'pandas', 'numpy', 'dask', 'scala',
];

export interface StackLiteOptions {
  /** Number of questions (default 1,000,000; the tags file gets ~2.7 rows per question). */
  questions?: number;
  seed?: number;
  /** Distinct tags (default 20,000: a long tail after the common ones). */
  tags?: number;
}

export interface GeneratedFiles {
  files: string[];
  bytes: number;
  rows: number[];
}

/** Write questions.csv and question_tags.csv into `dir`. */
export function generateStackLite(dir: string, opts: StackLiteOptions = {}): GeneratedFiles {
  const n = opts.questions ?? 1_000_000;
  const ntags = Math.max(TAG_WORDS.length, opts.tags ?? 20_000);
  const r = rng(opts.seed ?? 42);
  mkdirSync(dir, { recursive: true });
  const qPath = join(dir, 'questions.csv');
  const tPath = join(dir, 'question_tags.csv');
  const q = new Writer(qPath);
  const t = new Writer(tPath);
  q.line('Id,CreationDate,ClosedDate,DeletionDate,Score,OwnerUserId,AnswerCount');
  t.line('Id,Tag');
  const tagName = (k: number) => (k < TAG_WORDS.length ? TAG_WORDS[k] : `tag-${k.toString(36)}`);
  const start = Date.UTC(2008, 6, 31, 21, 26, 37);
  const span = Date.UTC(2016, 9, 1) - start;
  const users = Math.max(10, Math.floor(n / 3));
  let id = 1;
  let tagRows = 0;
  for (let i = 0; i < n; i++) {
    id += 1 + (r() < 0.3 ? Math.floor(r() * 4) : 0);
    const created = start + Math.floor((i / n) * span + r() * 60000);
    const closed = r() < 0.1 ? isoZ(created + Math.floor(r() * 30 * 86400000)) : 'NA';
    const deleted = r() < 0.15 ? isoZ(created + Math.floor(r() * 300 * 86400000)) : 'NA';
    // Mostly small scores, a few negative, a heavy tail.
    const u = r();
    const score = u < 0.08 ? -Math.floor(r() * 5) : Math.floor(Math.pow(r(), 6) * 200 + (u > 0.999 ? r() * 5000 : 0));
    const owner = r() < 0.02 ? 'NA' : String(1 + zipf(r, users, 1.05));
    const answers = r() < 0.01 ? 'NA' : String(Math.floor(-Math.log(1 - r()) * 1.4));
    q.line(`${id},${isoZ(created)},${closed},${deleted},${score},${owner},${answers}`);
    // ~1% of questions carry no tag row (so a dangling check has something to find).
    if (r() < 0.01) continue;
    const k = 1 + Math.min(4, Math.floor(-Math.log(1 - r()) * 2.2));
    const seen = new Set<number>();
    for (let j = 0; j < k; j++) {
      const tag = zipf(r, ntags, 1.15);
      if (seen.has(tag)) continue;
      seen.add(tag);
      t.line(`${id},${tagName(tag)}`);
      tagRows++;
    }
  }
  q.close();
  t.close();
  return { files: [qPath, tPath], bytes: q.bytes + t.bytes, rows: [n, tagRows] };
}

export interface FlightsOptions {
  /** Rows per yearly file (default 20,000). */
  rowsPerFile?: number;
  /** First and last year (default 1990..1999: ten files). */
  years?: readonly [number, number];
  seed?: number;
  /** Rows at the top of each file with an empty TailNum (default min(5000, 60% of rows): beyond the 256kB inference sample). */
  emptyTailNumRows?: number;
}

const DESTS: Array<[string, number]> = [
  ['ATL', 762], ['ORD', 733], ['LAX', 2475], ['SFO', 2586], ['BOS', 187], ['DCA', 214], ['MIA', 1089], ['DFW', 1391],
  ['DEN', 1626], ['PIT', 335], ['CLT', 544], ['DTW', 502], ['MSP', 1020], ['IAH', 1416], ['PHX', 2153], ['SEA', 2422],
  ['MCO', 950], ['FLL', 1069], ['TPA', 1005], ['RDU', 427], ['BUF', 292], ['ROC', 254], ['SYR', 198], ['CLE', 425],
  ['JFK', 0], ['EWR', 0], ['LGA', 0],
];
const CARRIERS = ['AA', 'UA', 'DL', 'US', 'CO', 'TW', 'NW', 'HP', 'AS', 'WN'];
const ORIGINS = ['EWR', 'JFK', 'LGA'];

export const FLIGHT_COLUMNS = [
  'Year', 'Month', 'DayofMonth', 'DayOfWeek', 'DepTime', 'CRSDepTime', 'ArrTime', 'CRSArrTime', 'UniqueCarrier', 'FlightNum',
  'TailNum', 'ActualElapsedTime', 'CRSElapsedTime', 'AirTime', 'ArrDelay', 'DepDelay', 'Origin', 'Dest', 'Distance',
  'TaxiIn', 'TaxiOut', 'Cancelled', 'Diverted',
];

function hhmm(minutes: number): number {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return Math.floor(m / 60) * 100 + (m % 60);
}

/** Write `<year>.csv` for each year into `dir`. */
export function generateFlights(dir: string, opts: FlightsOptions = {}): GeneratedFiles {
  const rows = opts.rowsPerFile ?? 20_000;
  const [y0, y1] = opts.years ?? [1990, 1999];
  const emptyTop = opts.emptyTailNumRows ?? Math.min(5000, Math.floor(rows * 0.6));
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const counts: number[] = [];
  let bytes = 0;
  for (let year = y0; year <= y1; year++) {
    const r = rng((opts.seed ?? 7) * 1000 + year);
    const path = join(dir, `${year}.csv`);
    const w = new Writer(path);
    w.line(FLIGHT_COLUMNS.join(','));
    for (let i = 0; i < rows; i++) {
      // Rows sorted by date within the year, like the original files.
      const dayOfYear = Math.floor((i / rows) * 365);
      const date = new Date(Date.UTC(year, 0, 1 + dayOfYear));
      const month = date.getUTCMonth() + 1;
      const dom = date.getUTCDate();
      const dow = ((date.getUTCDay() + 6) % 7) + 1; // 1 = Monday
      const origin = ORIGINS[Math.floor(r() * 3)];
      let [dest, dist] = DESTS[Math.floor(r() * DESTS.length)];
      if (dest === origin) [dest, dist] = DESTS[0];
      if (dist === 0) dist = 17 + Math.floor(r() * 10);
      const carrier = CARRIERS[Math.floor(r() * CARRIERS.length)];
      const crsDep = 360 + Math.floor(r() * 1020);
      const crsElapsed = Math.round(dist / 7.5 + 30 + r() * 20);
      const cancelled = r() < 0.02 ? 1 : 0;
      const diverted = !cancelled && r() < 0.003 ? 1 : 0;
      const depDelay = Math.round(-Math.log(1 - r()) * 12 - 5);
      const arrDelay = depDelay + Math.round((r() - 0.5) * 20);
      const actual = crsElapsed + arrDelay - depDelay;
      const tail = i < emptyTop ? '' : `N${100 + Math.floor(r() * 900)}${carrier}`;
      // CRSElapsedTime is never missing in the first rows of a file, only further down.
      const crsMissing = i > Math.max(emptyTop, rows / 2) && r() < 0.01;
      const fields = [
        year, month, dom, dow,
        cancelled ? '' : hhmm(crsDep + depDelay),
        hhmm(crsDep),
        cancelled || diverted ? '' : hhmm(crsDep + depDelay + actual),
        hhmm(crsDep + crsElapsed),
        carrier,
        1 + Math.floor(r() * 2000),
        tail,
        cancelled || diverted ? '' : actual,
        crsMissing ? '' : crsElapsed,
        '', // AirTime: not recorded in the 1990s files
        cancelled || diverted ? '' : arrDelay,
        cancelled ? '' : depDelay,
        origin, dest, dist,
        '', '', // TaxiIn, TaxiOut: not recorded
        cancelled, diverted,
      ];
      w.line(fields.join(','));
    }
    w.close();
    files.push(path);
    counts.push(rows);
    bytes += w.bytes;
  }
  return { files, bytes, rows: counts };
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (require.main === module) {
  const out = arg('out', 'data')!;
  const only = arg('only');
  const seed = Number(arg('seed', '42'));
  if (only !== 'flights') {
    const g = generateStackLite(out, { questions: Number(arg('questions', '1000000')), seed });
    console.log(`stacklite: ${g.files.join(', ')} (${g.rows[0]} questions, ${g.rows[1]} tag rows, ${(g.bytes / 1e6).toFixed(1)} MB)`);
  }
  if (only !== 'stacklite') {
    const g = generateFlights(join(out, 'nycflights'), { rowsPerFile: Number(arg('flight-rows', '20000')), seed });
    console.log(`flights: ${g.files.length} files in ${join(out, 'nycflights')} (${(g.bytes / 1e6).toFixed(1)} MB)`);
  }
}
