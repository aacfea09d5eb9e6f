import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compute, shutdownSchedulers } from '../../src/index.js';
import { COLLECTION } from '../../src/core/collection.js';
import * as db from '../../src/bag/index.js';
import { SCHEDULERS } from '../helpers/schedulers.js';

t.teardown(shutdownSchedulers);

const dir = mkdtempSync(join(tmpdir(), 'tsdask-bag-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// Three gzipped "log" files in the seed's wikistats layout: date time lang page hits bytes.
const LOGS = [
  ['20081113 100000 en Barack_Obama 25 306083', '20081113 100000 fr Paris 3 1200', '20081113 100000 en Main_Page 9 5000'],
  ['20081004 130000 en Obama_family 1 1224', 'short line', '20081004 130000 de Obama 4 800'],
  ['20081217 160000 en Main_Page 7 97330', '20081217 160000 en Michelle_Obama 6 120260'],
];
LOGS.forEach((lines, i) => writeFileSync(join(dir, `part-0000${i}.gz`), gzipSync(lines.join('\n') + '\n')));
writeFileSync(join(dir, 'plain.txt'), 'the cat sat\r\non the mat\n\nthe end');

/** The seed's find(): default parameters are literals, so it ships by source. */
function find(line: string, regex = 'Obama', language: string | null = 'en'): boolean {
  const vals = line.split(' ');
  if (vals.length < 6) return false;
  if (!new RegExp(regex).test(vals[3]) || (language !== null && vals[2] !== language)) return false;
  return true;
}

t.test('defaults and structure', async (t) => {
  const b = db.fromSequence([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { npartitions: 4 });
  t.equal(b[COLLECTION].defaultScheduler, 'processes', 'bags default to processes, as in Dask');
  t.equal(b.count()[COLLECTION].defaultScheduler, 'processes');
  t.equal(b.npartitions, 4);
  t.equal(db.fromSequence(Array.from({ length: 250 }, (_, i) => i)).npartitions, 100, 'default: up to 100 partitions');
  t.equal(db.fromSequence([1, 2, 3]).npartitions, 3);
  t.equal(db.fromSequence([]).npartitions, 1);
  t.equal(db.fromSequence([1, 2, 3, 4, 5], { partitionSize: 2 }).npartitions, 3);
  const inc = (x: number) => x + 1;
  t.equal(b.map(inc).prefix, b.map(inc).prefix, 'same function, same input: same keys');
  t.match(String(b.map(inc)), /^Bag<npartitions=4, name=map-inc-[0-9a-f]+, tasks=8>$/);
  t.throws(() => db.fromSequence([1], { npartitions: 0 }), { name: 'RangeError' });
  t.throws(() => db.readText(join(dir, 'nothing-*.txt')), { message: /no files match/ });
  t.throws(() => b.topk(-1), { name: 'RangeError' });
});

for (const scheduler of SCHEDULERS) {
  t.test(`bag on ${scheduler}`, async (t) => {
    const nums = db.fromSequence([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { npartitions: 3 });

    t.test('map, filter, count, sum, mean, min, max', async (t) => {
      t.same(
        await nums
          .map((x) => x * 2)
          .filter((x) => x > 5)
          .compute({ scheduler }),
        [6, 8, 10, 12, 14, 16, 18, 20],
      );
      const [count, sum, mean, min, max] = await compute(nums.count(), nums.sum(), nums.mean(), nums.min(), nums.max(), { scheduler });
      t.same([count, sum, mean, min, max], [10, 55, 5.5, 1, 10]);
      t.equal(
        await nums
          .filter((x) => x > 100)
          .count()
          .compute({ scheduler }),
        0,
        'empty partitions count 0',
      );
      t.equal(await db.fromSequence(['pear', 'apple', 'fig']).max().compute({ scheduler }), 'pear', 'strings compare by code unit');
      await t.rejects(
        nums
          .filter((x) => x > 100)
          .max()
          .compute({ scheduler }),
        { message: /max: the bag is empty/ },
      );
      await t.rejects(db.fromSequence(['a']).sum().compute({ scheduler }), { name: 'TypeError', message: /sum: element 0 of the partition is the string "a"/ });
    });

    t.test('map with extra arguments: plain values, a zipped bag, an Item', async (t) => {
      const other = db.fromSequence([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], { npartitions: 3 });
      t.same(await nums.map((x, k: number) => x * k, 3).take(3, { scheduler }), [3, 6, 9]);
      t.same(await nums.map((x, y: number) => x + y, other).compute({ scheduler }), [11, 22, 33, 44, 55, 66, 77, 88, 99, 110]);
      t.same(await nums.map((x, total: number) => x / total, nums.sum()).take(2, { scheduler }), [1 / 55, 2 / 55]);
      t.same(await nums.map(async (x) => x + 0.5).take(2, { scheduler }), [1.5, 2.5], 'async functions are awaited');
      t.throws(() => nums.map((x, y: number) => x + y, db.fromSequence([1, 2], { npartitions: 2 })), { message: /3 and 2 partitions/ });
    });

    t.test('flatten, pluck, mapPartitions', async (t) => {
      const nested = db.fromSequence([[1, 2], [], [3], [4, 5, 6]], { npartitions: 2 });
      t.same(await nested.flatten().compute({ scheduler }), [1, 2, 3, 4, 5, 6]);
      await t.rejects(db.fromSequence([1]).flatten().compute({ scheduler }), { name: 'TypeError', message: /not an array or other iterable/ });
      const people = db.fromSequence(
        [
          { name: 'Alice', age: 30 },
          { name: 'Bob', age: 25 },
          { name: 'Cy', age: 41, city: 'Leiden' },
        ],
        { npartitions: 2 },
      );
      t.same(await people.pluck('name').compute({ scheduler }), ['Alice', 'Bob', 'Cy']);
      t.same(await people.pluck(['name', 'age']).compute({ scheduler }), [
        ['Alice', 30],
        ['Bob', 25],
        ['Cy', 41],
      ]);
      t.same(await people.pluck('city', null).compute({ scheduler }), [null, null, 'Leiden']);
      await t.rejects(people.pluck('city').compute({ scheduler }), { name: 'KeyError', message: /has no key "city".*pass a default/ });
      t.same(
        await db
          .fromSequence([
            [1, 2],
            [3, 4],
          ])
          .pluck(1)
          .compute({ scheduler }),
        [2, 4],
      );
      t.same(await nums.mapPartitions((part) => [part.length]).compute({ scheduler }), [4, 3, 3]);
    });

    t.test('frequencies, topk, distinct (by value, across partitions)', async (t) => {
      const words = db.fromSequence(['a', 'b', 'a', 'c', 'b', 'a', 'd'], { npartitions: 3 });
      t.same(await words.frequencies().compute({ scheduler }), [
        ['a', 3],
        ['b', 2],
        ['c', 1],
        ['d', 1],
      ]);
      t.same(
        await words
          .frequencies({ sort: true })
          .topk(2, (p) => p[1])
          .compute({ scheduler }),
        [
          ['a', 3],
          ['b', 2],
        ],
      );
      const pairs = db.fromSequence(
        [
          [1, 'x'],
          [2, 'y'],
          [1, 'x'],
          [1, 'x'],
        ],
        { npartitions: 4 },
      );
      t.same(
        await pairs.frequencies().compute({ scheduler }),
        [
          [[1, 'x'], 3],
          [[2, 'y'], 1],
        ],
        'arrays are keyed by value like Python tuples',
      );
      t.same(await pairs.distinct().compute({ scheduler }), [
        [1, 'x'],
        [2, 'y'],
      ]);
      t.same(await words.distinct().compute({ scheduler }), ['a', 'b', 'c', 'd']);
      t.same(await nums.topk(3).compute({ scheduler }), [10, 9, 8]);
      t.same(await nums.topk(2, (x) => -x).compute({ scheduler }), [1, 2], 'key function');
      const people = db.fromSequence(
        [
          { n: 'a', age: 3 },
          { n: 'b', age: 9 },
          { n: 'c', age: 5 },
        ],
        { npartitions: 3 },
      );
      t.same(await people.topk(1, 'age').pluck('n').compute({ scheduler }), ['b'], 'key by property name');
      t.same(
        await people
          .distinct((p) => p.age > 4)
          .pluck('n')
          .compute({ scheduler }),
        ['a', 'b'],
        'distinct by key keeps the first element',
      );
    });

    t.test('foldby: with and without initial values, custom combine', async (t) => {
      const isEven = (x: number) => x % 2 === 0;
      const add = (a: number, b: number) => a + b;
      t.same(await nums.foldby(isEven, add, 0).compute({ scheduler }), [
        [false, 25],
        [true, 30],
      ]);
      t.same(
        await nums.foldby(isEven, add).compute({ scheduler }),
        [
          [false, 25],
          [true, 30],
        ],
        'no init: groups start at their first element',
      );
      // Count per group: binop counts elements, combine adds counts.
      t.same(
        await nums
          .foldby(
            (x) => x % 3,
            (acc: number) => acc + 1,
            0,
            add,
            0,
          )
          .compute({ scheduler }),
        [
          [1, 4],
          [2, 3],
          [0, 3],
        ],
      );
      // A mutating binop with an object init: each group gets its own copy.
      const lists = await nums
        .foldby(
          isEven,
          (acc: number[], x) => (acc.push(x), acc),
          [] as number[],
          (a: number[], b: number[]) => a.concat(b),
        )
        .compute({ scheduler });
      t.same(lists, [
        [false, [1, 3, 5, 7, 9]],
        [true, [2, 4, 6, 8, 10]],
      ]);
      const people = db.fromSequence(
        [
          { c: 'NL', n: 2 },
          { c: 'FR', n: 1 },
          { c: 'NL', n: 5 },
        ],
        { npartitions: 2 },
      );
      t.same(
        await people.foldby('c', (acc: number, p) => acc + p.n, 0, add).compute({ scheduler }),
        [
          ['NL', 7],
          ['FR', 1],
        ],
        'key by property name',
      );
      const wrong = await people.foldby('c', (acc: number, p) => acc + p.n, 0).compute({ scheduler });
      t.same(
        wrong,
        [
          ['NL', NaN],
          ['FR', 1],
        ],
        'as in Dask, combine defaults to binop (which here expects elements)',
      );
    });

    t.test('take reads more partitions only when needed', async (t) => {
      t.same(await nums.take(2, { scheduler }), [1, 2]);
      t.same(await nums.take(6, { scheduler }), [1, 2, 3, 4, 5, 6]);
      t.same(await nums.take(50, { scheduler }), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      t.same(await nums.filter((x) => x > 8).take(1, { scheduler }), [9]);
    });

    t.test('persist and toDelayed', async (t) => {
      const doubled = await nums.map((x) => x * 2).persist({ scheduler });
      t.equal(doubled.npartitions, 3);
      t.equal(await doubled.sum().compute({ scheduler }), 110, 'a persisted bag computes from its data');
      const [parts] = await compute(doubled.toDelayed(), { scheduler });
      t.same(parts, [
        [2, 4, 6, 8],
        [10, 12, 14],
        [16, 18, 20],
      ]);
      const total = await nums.sum().persist({ scheduler });
      t.equal(await total.compute({ scheduler: 'sync' }), 55);
    });

    t.test('reduction and Item.apply', async (t) => {
      const longest = nums.reduction(
        (part) => Math.max(...part),
        (ms) => Math.max(...ms),
      );
      t.equal(await longest.compute({ scheduler }), 10);
      t.equal(
        await nums
          .sum()
          .apply((s) => s * 2)
          .compute({ scheduler }),
        110,
      );
    });

    t.test('seed: readText of gz files, count, filter(find), word frequencies', async (t) => {
      const wiki = db.readText(join(dir, 'part-0000*gz'));
      t.equal(wiki.npartitions, 3, 'one partition per file');
      t.equal(await wiki.count().compute({ scheduler }), 8);
      const obama = await wiki.filter(find).compute({ scheduler });
      t.same(obama, ['20081113 100000 en Barack_Obama 25 306083', '20081004 130000 en Obama_family 1 1224', '20081217 160000 en Michelle_Obama 6 120260']);
      t.equal(await wiki.filter(find).count().compute({ scheduler }), 3);
      const hits = wiki
        .map((l) => l.split(' '))
        .filter((v) => v.length === 6)
        .foldby(
          (v) => v[2],
          (acc: number, v) => acc + Number(v[4]),
          0,
          (a: number, b: number) => a + b,
        );
      t.same(await hits.compute({ scheduler }), [
        ['en', 48],
        ['fr', 3],
        ['de', 4],
      ]);
      const words = db
        .readText(join(dir, 'plain.txt'))
        .map((l) => l.split(' '))
        .flatten()
        .filter((w) => w !== '');
      t.same(await words.frequencies({ sort: true }).take(2, { scheduler }), [
        ['the', 3],
        ['cat', 1],
      ]);
    });

    t.test('readText: terminators, blocksize splits at line starts', async (t) => {
      const whole = await db.readText(join(dir, 'plain.txt')).compute({ scheduler });
      t.same(whole, ['the cat sat', 'on the mat', '', 'the end']);
      t.same(await db.readText(join(dir, 'plain.txt'), { keepNewlines: true }).compute({ scheduler }), ['the cat sat\r\n', 'on the mat\n', '\n', 'the end']);
      for (const blocksize of [1, 5, 12, 13, 100]) {
        const b = db.readText(join(dir, 'plain.txt'), { blocksize });
        t.same(await b.compute({ scheduler }), whole, `blocksize ${blocksize} (${b.npartitions} partitions)`);
      }
      t.same(
        await db
          .readText([join(dir, 'part-00002.gz'), join(dir, 'plain.txt')], { blocksize: 4 })
          .count()
          .compute({ scheduler }),
        6,
        'gz files stay whole',
      );
    });

    if (scheduler !== 'sync') {
      t.test('a function closing over a local variable fails with ClosureError', async (t) => {
        const factor = 3;
        const err = await nums
          .map((x) => x * factor)
          .compute({ scheduler })
          .then(
            () => undefined,
            (e: Error) => e,
          );
        t.equal(err?.name, 'ClosureError');
        t.match(err!.message, /'factor'/);
        t.match(err!.message, /task 'map-/);
        t.match(err!.message, /pass it as an argument/);
        t.same(await nums.map((x, f: number) => x * f, factor).take(2, { scheduler }), [3, 6], 'the fix: pass it as an argument');
        const limit = 4;
        await t.rejects(
          nums
            .foldby(
              (x) => x > limit,
              (a: number, x) => a + x,
              0,
            )
            .compute({ scheduler }),
          { name: 'ClosureError', message: /'limit'/ },
        );
      });
    }
  });
}
