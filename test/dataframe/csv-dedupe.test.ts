import t from 'tap';
import { dedupeEntries } from '../../src/dataframe/io/csv/dedupe.js';

/** Raw entries (one per value, as the parser's RAW mode leaves them) of `values`. */
function rawEntries(values: readonly (string | null)[]): { codes: Int32Array; bytes: Uint8Array; offsets: Int32Array } {
  const present = values.filter((v): v is string => v !== null);
  const encoded = present.map((v) => Buffer.from(v, 'utf8'));
  const bytes = new Uint8Array(encoded.reduce((a, b) => a + b.length, 0));
  const offsets = new Int32Array(present.length + 1);
  let at = 0;
  encoded.forEach((b, k) => {
    bytes.set(b, at);
    at += b.length;
    offsets[k + 1] = at;
  });
  const codes = new Int32Array(values.length);
  let k = 0;
  values.forEach((v, i) => (codes[i] = v === null ? -1 : k++));
  return { codes, bytes, offsets };
}

t.test('hashed deduplication: many distinct values in random order (the table grows), repeats, missing, multibyte, empty', async (t) => {
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const distinct of [5, 1500, 40_000]) {
    const values: (string | null)[] = [];
    for (let i = 0; i < 4 * distinct; i++) {
      const r = rnd();
      const k = Math.floor(rnd() * distinct);
      // Same-length ids (four-byte words compare), a few long and multibyte ones, empty strings, NA.
      values.push(r < 0.03 ? null : r < 0.05 ? '' : r < 0.08 ? `é${k}-${'y'.repeat(k % 9)}` : `id${String(k).padStart(10, '0')}`);
    }
    const { codes, bytes, offsets } = rawEntries(values);
    const { codes: out, dict } = dedupeEntries(codes, bytes, offsets, false);
    // Reference: plain code, first appearance order through a Map.
    const order = new Map<string, number>();
    for (const v of values) if (v !== null && !order.has(v)) order.set(v, order.size);
    const entries = Array.from({ length: dict.size }, (_, c) => dict.get(c));
    t.same(entries, [...order.keys()], `${distinct}: dictionary = distinct values in order of first appearance`);
    t.same(
      Array.from(out),
      values.map((v) => (v === null ? -1 : order.get(v))),
      `${distinct}: codes`,
    );
  }
});
