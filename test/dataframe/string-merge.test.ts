/**
 * mergeStringBytes and concatColumns of byte dictionaries, against a Map of the decoded
 * strings written here: overlapping dictionaries, an empty string, latin1 bytes above 0x7f,
 * missing codes; and a UTF-8 (not one-byte) part, which must fall back to merging strings.
 */
import t from 'tap';
import { concatColumns, getCell, lazyStringColumn, StringBytes } from '../../src/dataframe/frame.js';
import { mergeStringBytes } from '../../src/dataframe/column/string-merge.js';

function bytesOf(entries: string[], oneByte: boolean): StringBytes {
  const bufs = entries.map((e) => Buffer.from(e, oneByte ? 'latin1' : 'utf8'));
  const offsets = new Int32Array(entries.length + 1);
  for (let k = 0; k < bufs.length; k++) offsets[k + 1] = offsets[k] + bufs[k].length;
  // A leading pad byte, so offsets do not start at 0 in the arena.
  const arena = new Uint8Array(offsets[entries.length] + 1);
  bufs.forEach((b, k) => arena.set(b, offsets[k] + 1));
  return new StringBytes(arena.subarray(1), offsets, oneByte);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const r = rng(3);
const pool = ['', 'a', 'id001', 'id002', 'caf\u00e9', '\u00ff\u00fe', 'zz', ...Array.from({ length: 300 }, (_, i) => `k${i}`)];
const dicts = [0, 1, 2].map(() => [...new Set(Array.from({ length: 120 }, () => pool[Math.floor(r() * pool.length)]))]);

t.test('mergeStringBytes: union in first-appearance order, codes remapped', async (t) => {
  const got = mergeStringBytes(dicts.map((d) => bytesOf(d, true)))!;
  const want: string[] = [];
  const seen = new Map<string, number>();
  const remaps = dicts.map((d) =>
    d.map((s) => {
      if (!seen.has(s)) {
        seen.set(s, want.length);
        want.push(s);
      }
      return seen.get(s)!;
    }),
  );
  t.same(got.merged.materialize(), want);
  t.same(
    got.remaps.map((x) => Array.from(x)),
    remaps,
  );
  t.equal(mergeStringBytes([bytesOf(['a'], true), bytesOf(['\u00e9'], false)]), undefined, 'UTF-8 part: not by bytes');
});

for (const oneByte of [true, false]) {
  t.test(`concatColumns of byte dictionaries (${oneByte ? 'one-byte' : 'UTF-8'}): every value kept`, async (t) => {
    const cols = dicts.map((d) => {
      const codes = Int32Array.from({ length: 500 }, () => (r() < 0.05 ? -1 : Math.floor(r() * d.length)));
      return lazyStringColumn(codes, bytesOf(d, oneByte));
    });
    const want = cols.flatMap((c, j) => Array.from(c.data as Int32Array, (k) => (k < 0 ? null : dicts[j][k])));
    const out = concatColumns(cols);
    t.same(
      Array.from({ length: want.length }, (_, i) => getCell(out, i)),
      want,
    );
    t.equal(new Set(out.dict).size, out.dict!.length, 'no entry twice');
  });
}
