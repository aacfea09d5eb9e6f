/**
 * StackLite-like data, deterministic and at any size: `questions.csv` (Id, CreationDate,
 * ClosedDate, DeletionDate, Score, OwnerUserId, AnswerCount; missing values written as NA)
 * and `question_tags.csv` (Id, Tag), as in the seed assignment.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 as rng } from '../core/random.js';
import { type GeneratedFiles, Writer } from './writer.js';

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
  'javascript',
  'java',
  'c#',
  'php',
  'android',
  'jquery',
  'python',
  'html',
  'c++',
  'ios',
  'mysql',
  'css',
  'sql',
  'asp.net',
  'objective-c',
  'ruby-on-rails',
  '.net',
  'c',
  'iphone',
  'arrays',
  'angularjs',
  'sql-server',
  'json',
  'ruby',
  'r',
  'ajax',
  'regex',
  'xml',
  'node.js',
  'asp.net-mvc',
  'linux',
  'django',
  'wpf',
  'database',
  'swift',
  'excel',
  'string',
  'spring',
  'windows',
  'wordpress',
  'vba',
  'git',
  'eclipse',
  'multithreading',
  'bash',
  'oracle',
  'pandas',
  'numpy',
  'dask',
  'scala',
];

export interface StackLiteOptions {
  /** Number of questions (default 1,000,000; the tags file gets ~2.7 rows per question). */
  questions?: number;
  seed?: number;
  /** Distinct tags (default 20,000: a long tail after the common ones). */
  tags?: number;
  /** Id of the first question (default 1): files generated apart can hold disjoint Ids. */
  firstId?: number;
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
  let id = opts.firstId ?? 1;
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
