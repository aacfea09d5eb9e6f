/**
 * The k-th smallest of a slice of a Float64Array by quickselect (Hoare partitions around a
 * median of three), reordering the slice in place: O(m) on average where a sort is O(m log m).
 * Afterwards every element before position k is <= the result and every one after it is >=.
 * The slice must hold no NaN (groupby medians skip missing values before they get here).
 */
export function nthElement(a: Float64Array, lo: number, hi: number, k: number): number {
  // Inclusive bounds from here on.
  let l = lo;
  let h = hi - 1;
  while (h > l) {
    const x = a[l];
    const y = a[(l + h) >> 1];
    const z = a[h];
    const p = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = l;
    let j = h;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) h = j;
    else if (k >= i) l = i;
    else return a[k];
  }
  return a[k];
}

/** Median of a[lo, hi) (reordered in place); NaN for an empty slice. */
export function sliceMedian(a: Float64Array, lo: number, hi: number): number {
  const m = hi - lo;
  if (m === 0) return NaN;
  const mid = lo + (m >> 1);
  const upper = nthElement(a, lo, hi, mid);
  if (m % 2 === 1) return upper;
  // Even count: the lower middle is the largest element left of `mid`.
  let lower = -Infinity;
  for (let i = lo; i < mid; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}
