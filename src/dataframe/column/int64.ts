/**
 * Exactness of int64 values. int64 columns are stored in doubles (frame.ts), which hold every
 * integer up to 2^53 exactly and round beyond. pandas' int64 is exact to 2^63, so a result past
 * 2^53 is an error naming the operation and the fix, never a rounded number.
 */

export const MAX_EXACT = Number.MAX_SAFE_INTEGER;

export class Int64OverflowError extends RangeError {
  override name = 'Int64OverflowError';
}

/** The error for an int64 result (or sum) beyond 2^53; `what` names the operation and column. */
export function int64Overflow(what: string, detail: string): Int64OverflowError {
  return new Int64OverflowError(
    `${what}: ${detail} is beyond 2^53, where int64 values (stored as doubles here) would be rounded; ` +
      `convert to float64 first (e.g. s.astype('float64')) to compute in floating point, accepting rounding`,
  );
}

/** Throws when an int64 result holds a value that may have been rounded (|v| > 2^53 - 1). */
export function checkExactInts(out: Float64Array, what: string): void {
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (v > MAX_EXACT || v < -MAX_EXACT) throw int64Overflow(what, `the result ${v} (row ${i})`);
  }
}

const SPLIT = 2 ** 26;
/** Values summed per part before the parts go into a BigInt: each part's sum stays below 2^53. */
const FLUSH = 1 << 26;

/**
 * The exact sum of integers x[0, n) (NaN skipped), or undefined when an input is beyond 2^53 - 1
 * (already rounded). For when a plain double sum might have rounded along the way: each value is
 * split into a high and a low part whose sums cannot round, and the parts meet in a BigInt.
 */
export function exactIntSum(x: ArrayLike<number>, n: number): bigint | undefined {
  let total = 0n;
  let hi = 0;
  let lo = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v !== v) continue;
    if (v > MAX_EXACT || v < -MAX_EXACT) return undefined;
    const l = v % SPLIT;
    lo += l;
    hi += (v - l) / SPLIT;
    if (++k === FLUSH) {
      total += BigInt(hi) * BigInt(SPLIT) + BigInt(lo);
      hi = lo = k = 0;
    }
  }
  return total + BigInt(hi) * BigInt(SPLIT) + BigInt(lo);
}

/**
 * Makes per-group integer sums exact, or throws: `sums[k]` holds the double sum of the x[i] with
 * ids[i] === k (ids < 0 skipped). Exact already when n * max|x| stays below 2^53 (one pass to
 * check); otherwise recounted in BigInts, which only large values pay for.
 */
export function exactGroupSums(x: ArrayLike<number>, ids: Int32Array, g: number, sums: Float64Array, what: string): void {
  const n = ids.length;
  let big = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v > big) big = v;
    else if (-v > big) big = -v;
  }
  if (big * n <= MAX_EXACT) return;
  const exact = new Array<bigint>(g).fill(0n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (ids[i] < 0 || v !== v) continue;
    if (v > MAX_EXACT || v < -MAX_EXACT) throw int64Overflow(what, `the value ${v} (row ${i})`);
    exact[ids[i]] += BigInt(v);
  }
  for (let k = 0; k < g; k++) {
    if (exact[k] > BigInt(MAX_EXACT) || exact[k] < -BigInt(MAX_EXACT)) throw int64Overflow(what, `the sum of a group`);
    sums[k] = Number(exact[k]);
  }
}
