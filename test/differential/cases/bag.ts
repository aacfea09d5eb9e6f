/**
 * Bag cases against plain Python on the same records and text files. `py` sees `items` (the
 * records, also given to fromSequence) and `texts` (the text files: an empty one, one with
 * CRLF line ends and a byte-order mark, one without a final newline, one gzipped).
 */
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as db from '../../../src/bag/index.js';
import { MIXED_TEXT, KEYS, Rng } from '../generate.js';
import type { Case } from '../harness.js';

export interface Rec {
  id: number;
  name: string;
  n: number;
  x: number;
  tags: string[];
  opt?: string;
}

export interface BagCtx {
  items: Rec[];
  b: db.Bag<Rec>;
  texts: string[];
}

export function bagInputs(): { vars: Record<string, unknown>; context: () => BagCtx } {
  const r = new Rng(777);
  const names = [...KEYS, ...MIXED_TEXT];
  const items: Rec[] = Array.from({ length: 600 }, (_, id) => {
    const rec: Rec = {
      id,
      name: r.pick(names),
      n: r.int(-1000, 1000),
      x: r.chance(0.05) ? -0 : r.chance(0.05) ? 9007199254740991 : (r.next() - 0.5) * 1e4,
      tags: Array.from({ length: r.int(0, 3) }, () => r.pick(['a', 'b', 'ä', '🦀', 'long-tag'])),
    };
    if (r.chance(0.5)) rec.opt = r.pick(MIXED_TEXT);
    return rec;
  });
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-diff-bag-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 't'));
  const line = () => Array.from({ length: r.int(0, 12) }, () => r.pick([...names, 'word'])).join(' ');
  const lines = (n: number) => Array.from({ length: n }, line);
  const texts = [
    join(dir, 't', 'a.txt'),
    join(dir, 't', 'b-empty.txt'),
    join(dir, 't', 'c-crlf.txt'),
    join(dir, 't', 'd-nofinal.txt'),
    join(dir, 't', 'e.txt.gz'),
  ];
  writeFileSync(texts[0], lines(120).join('\n') + '\n');
  writeFileSync(texts[1], '');
  writeFileSync(texts[2], '\ufeff' + lines(80).join('\r\n') + '\r\n');
  writeFileSync(texts[3], lines(40).join('\n'));
  writeFileSync(texts[4], gzipSync(lines(60).join('\n') + '\n'));
  return {
    vars: { items, texts },
    context: () => ({ items, b: db.fromSequence(items, { npartitions: 7 }), texts }),
  };
}

type C = Case<BagCtx>;
const PY_LINES = `import gzip, io
def read_lines(f):
    raw = gzip.open(f).read() if f.endswith('.gz') else open(f, 'rb').read()
    return [l.rstrip('\\n') for l in io.StringIO(raw.decode('utf-8'), newline=None)]
`;

export const bagCases: readonly C[] = [
  { id: 'bag.fromSequence', api: ['db.fromSequence', 'Bag.compute'], py: 'items', ts: (c) => c.b },
  { id: 'bag.fromSequence.one-partition', api: ['db.fromSequence'], py: 'items', ts: (c) => db.fromSequence(c.items, { npartitions: 1 }) },
  { id: 'bag.readText', api: ['db.readText'], py: `${PY_LINES}result = [l for f in texts for l in read_lines(f)]`, ts: (c) => db.readText(c.texts) },
  {
    id: 'bag.readText.blocks',
    api: ['db.readText'],
    // Blocks of 37 bytes cut through multi-byte characters and CRLF pairs.
    py: `${PY_LINES}result = [l for f in texts for l in read_lines(f)]`,
    ts: (c) => db.readText(c.texts, { blocksize: 37 }),
  },
  { id: 'bag.map', api: ['Bag.map'], py: "[r['n'] * 2 - 1 for r in items]", ts: (c) => c.b.map((r) => r.n * 2 - 1) },
  {
    id: 'bag.map.records',
    api: ['Bag.map'],
    py: "[{'id': r['id'], 'len': len(r['tags'])} for r in items]",
    ts: (c) => c.b.map((r) => ({ id: r.id, len: r.tags.length })),
  },
  { id: 'bag.filter', api: ['Bag.filter'], py: "[r for r in items if r['n'] % 3 == 0]", ts: (c) => c.b.filter((r) => r.n % 3 === 0) },
  { id: 'bag.flatten', api: ['Bag.flatten', 'Bag.pluck'], py: "[t for r in items for t in r['tags']]", ts: (c) => c.b.pluck('tags').flatten() },
  { id: 'bag.pluck', api: ['Bag.pluck'], py: "[r['name'] for r in items]", ts: (c) => c.b.pluck('name') },
  { id: 'bag.pluck.default', api: ['Bag.pluck'], py: "[r.get('opt', '-') for r in items]", ts: (c) => c.b.pluck('opt', '-') },
  { id: 'bag.pluck.missing-key', api: ['Bag.pluck'], py: "[r['opt'] for r in items]", ts: (c) => c.b.pluck('opt') },
  { id: 'bag.pluck.keys', api: ['Bag.pluck'], py: "[(r['id'], r['n']) for r in items]", ts: (c) => c.b.pluck(['id', 'n']) },
  { id: 'bag.count', api: ['Bag.count'], py: 'len(items)', ts: (c) => c.b.count() },
  {
    id: 'bag.count.filtered-empty',
    api: ['Bag.count', 'Bag.filter'],
    py: "len([r for r in items if r['n'] > 5000])",
    ts: (c) => c.b.filter((r) => r.n > 5000).count(),
  },
  { id: 'bag.sum', api: ['Bag.sum'], py: "sum(r['n'] for r in items)", ts: (c) => c.b.pluck('n').sum() },
  { id: 'bag.sum.floats', api: ['Bag.sum'], py: "math.fsum(r['x'] for r in items)", ts: (c) => c.b.map((r) => r.x).sum() },
  {
    id: 'bag.frequencies',
    api: ['Bag.frequencies'],
    py: "list(__import__('collections').Counter(r['name'] for r in items).items())",
    ts: (c) => c.b.pluck('name').frequencies(),
    cmp: { order: 'any' },
  },
  {
    id: 'bag.frequencies.sorted',
    api: ['Bag.frequencies'],
    py: "sorted(__import__('collections').Counter(r['name'] for r in items).values(), reverse=True)",
    ts: async (c, o) => (await c.b.pluck('name').frequencies({ sort: true }).compute(o)).map(([, n]) => n),
  },
  {
    id: 'bag.frequencies.lists',
    api: ['Bag.frequencies'],
    py: "list(__import__('collections').Counter(tuple(r['tags']) for r in items).items())",
    ts: (c) => c.b.pluck('tags').frequencies(),
    cmp: { order: 'any' },
  },
  { id: 'bag.topk', api: ['Bag.topk'], py: "sorted((r['n'] for r in items), reverse=True)[:7]", ts: (c) => c.b.pluck('n').topk(7) },
  {
    id: 'bag.topk.key',
    api: ['Bag.topk'],
    py: "[r['id'] for r in sorted(items, key=lambda r: (r['x'], -r['id']), reverse=True)[:5]]",
    ts: (c) => c.b.topk(5, 'x').pluck('id'),
  },
  { id: 'bag.topk.strings', api: ['Bag.topk'], py: "sorted((r['name'] for r in items), reverse=True)[:30]", ts: (c) => c.b.pluck('name').topk(30) },
  {
    id: 'bag.foldby',
    api: ['Bag.foldby'],
    py: "result = {}\nfor r in items: result[r['name']] = result.get(r['name'], 0) + r['n']\nresult = list(result.items())",
    ts: (c) =>
      c.b.foldby(
        'name',
        (acc: number, r: Rec) => acc + r.n,
        0,
        (a: number, b: number) => a + b,
        0,
      ),
    cmp: { order: 'any' },
  },
  {
    id: 'bag.foldby.no-init',
    api: ['Bag.foldby'],
    // Without init each group starts at its first element; Python's % is never negative.
    py: "result = {}\nfor r in items: result[r['n'] % 5] = max(result.get(r['n'] % 5, -10**9), r['n'])\nresult = list(result.items())",
    ts: (c) =>
      c.b.pluck('n').foldby(
        (n: unknown) => ((Number(n) % 5) + 5) % 5,
        (a: unknown, n: unknown) => Math.max(Number(a), Number(n)),
      ),
    cmp: { order: 'any' },
  },
  {
    id: 'bag.distinct',
    api: ['Bag.distinct'],
    py: "list(dict.fromkeys(r['name'] for r in items))",
    ts: (c) => c.b.pluck('name').distinct(),
    cmp: { order: 'any' },
  },
  {
    id: 'bag.distinct.lists',
    api: ['Bag.distinct'],
    py: "list(dict.fromkeys(tuple(r['tags']) for r in items))",
    ts: (c) => c.b.pluck('tags').distinct(),
    cmp: { order: 'any' },
  },
  { id: 'bag.take', api: ['Bag.take'], py: 'items[:5]', ts: (c, o) => c.b.take(5, o) },
  { id: 'bag.take.more-than-a-partition', api: ['Bag.take'], py: 'items[:200]', ts: (c, o) => c.b.take(200, o) },
];
