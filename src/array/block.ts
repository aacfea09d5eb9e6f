/**
 * A block (chunk) of an n-d array: a plain `{ shape, data }` object with float64 values in
 * row-major (C) order. Plain objects holding a typed array travel as binary frames on every
 * scheduler (structured clone on threads/processes, raw frames on the distributed wire).
 * Block memory is a SharedArrayBuffer, so on the threads scheduler a block moving between
 * executors and the main thread is shared, never copied (processes receive a copy).
 */
export interface Block {
  shape: number[];
  data: Float64Array;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Zero-filled float64 storage in shared memory. */
export function alloc(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

export function emptyBlock(shape: readonly number[]): Block {
  return { shape: [...shape], data: alloc(sizeOf(shape)) };
}

/** Row-major strides (in elements). */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/**
 * Visit the runs along the last axis of a `size` box: f(offsetInA, offsetInB, length) with
 * offsets from the boxes' starting points and each side's strides. 0-d boxes are one run of 1.
 */
export function forEachRun(
  size: readonly number[],
  stridesA: readonly number[],
  startA: number,
  stridesB: readonly number[],
  startB: number,
  f: (a: number, b: number, len: number) => void,
): void {
  const nd = size.length;
  if (nd === 0) {
    f(startA, startB, 1);
    return;
  }
  for (const d of size) if (d === 0) return;
  const len = size[nd - 1];
  const idx = new Array<number>(nd - 1).fill(0);
  let a = startA;
  let b = startB;
  for (;;) {
    f(a, b, len);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      a += stridesA[d];
      b += stridesB[d];
      if (idx[d] < size[d]) break;
      a -= stridesA[d] * size[d];
      b -= stridesB[d] * size[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Copy the box of `size` at `srcStart` in `src` to `dstStart` in `dst`. */
export function copyBox(src: Block, srcStart: readonly number[], dst: Block, dstStart: readonly number[], size: readonly number[]): void {
  const ss = stridesOf(src.shape);
  const ds = stridesOf(dst.shape);
  let a = 0;
  let b = 0;
  for (let d = 0; d < size.length; d++) {
    a += srcStart[d] * ss[d];
    b += dstStart[d] * ds[d];
  }
  const s = src.data;
  const t = dst.data;
  const lastA = ss.length ? ss[ss.length - 1] : 1;
  const lastB = ds.length ? ds[ds.length - 1] : 1;
  forEachRun(size, ss, a, ds, b, (i, j, len) => {
    if (lastA === 1 && lastB === 1) t.set(s.subarray(i, i + len), j);
    else for (let k = 0; k < len; k++) t[j + k * lastB] = s[i + k * lastA];
  });
}
