/**
 * The groupby table of db-benchmark (h2oai, now duckdblabs), G1_<N>_1e2_0_0: N rows, K = 100,
 * no missing values, random order. Distributions as its published generator
 * (_data/groupby-datagen.R) describes them, drawn here with a seeded generator of our own:
 *
 *   id1, id2  one of K strings  id001..id100        (large groups)
 *   id3       one of N/K strings id0000000001..      (small groups)
 *   id4, id5  integer 1..K                           (large groups)
 *   id6       integer 1..N/K                         (small groups)
 *   v1, v2    integer 1..5
 *   v3        uniform [0, 100), rounded to 4 decimals
 *
 * Written in blocks of rows, so a 10M-row file (~500 MB) never sits in memory as one string.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** mulberry32: a small, fast, seeded 32-bit generator (reproducible files). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The file name db-benchmark gives a table of `rows` rows: 1e7 -> G1_1e7_1e2_0_0.csv. */
export function tableName(rows: number): string {
  const e = Math.floor(Math.log10(rows));
  const m = rows / 10 ** e;
  return `G1_${Number.isInteger(m) ? m : m.toFixed(1)}e${e}_1e2_0_0.csv`;
}

export function generateGroupBy(file: string, rows: number, seed = 108): void {
  const K = 100;
  const small = Math.max(1, Math.floor(rows / K));
  const random = rng(seed);
  const pick = (n: number) => 1 + Math.floor(random() * n);
  const big = Array.from({ length: K }, (_, i) => `id${String(i + 1).padStart(3, '0')}`);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, 'id1,id2,id3,id4,id5,id6,v1,v2,v3\n');
    const BLOCK = 50_000;
    for (let start = 0; start < rows; start += BLOCK) {
      const end = Math.min(rows, start + BLOCK);
      let text = '';
      for (let i = start; i < end; i++) {
        const id3 = `id${String(pick(small)).padStart(10, '0')}`;
        const v3 = Math.round(random() * 100 * 1e4) / 1e4;
        text += `${big[pick(K) - 1]},${big[pick(K) - 1]},${id3},${pick(K)},${pick(K)},${pick(small)},${pick(5)},${pick(5)},${v3}\n`;
      }
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
