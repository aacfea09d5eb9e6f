/**
 * Chunk specifications. A normalized `Chunks` lists the block sizes along every axis,
 * e.g. shape [15, 15] with chunks 5 -> [[5, 5, 5], [5, 5, 5]].
 * Accepted forms: one number for every axis; one number per axis (-1 = the whole axis);
 * explicit sizes per axis; 'auto' (blocks of about 16M values, ~128 MB, split along axis 0 first).
 */
export type Chunks = number[][];
/** Per axis: a block size (-1 = whole axis) or the explicit list of block sizes. */
export type ChunksInput = number | readonly (number | readonly number[])[] | 'auto';

const AUTO_VALUES = 16 * 1024 * 1024;

export function normalizeShape(shape: number | readonly number[], who: string): number[] {
  const s = typeof shape === 'number' ? [shape] : [...shape];
  for (const d of s) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${who}: shape must hold non-negative integers, got [${s.join(', ')}]`);
  }
  return s;
}

function split(n: number, size: number): number[] {
  if (n === 0) return [0];
  const out: number[] = [];
  for (let at = 0; at < n; at += size) out.push(Math.min(size, n - at));
  return out;
}

function autoChunks(shape: readonly number[]): number[] {
  // Keep trailing axes whole while they fit, then split the first axis that does not.
  const sizes = [...shape];
  let inner = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (inner * shape[d] <= AUTO_VALUES) {
      inner *= shape[d];
      continue;
    }
    sizes[d] = Math.max(1, Math.floor(AUTO_VALUES / inner));
    for (let e = d - 1; e >= 0; e--) sizes[e] = 1;
    break;
  }
  return sizes;
}

export function normalizeChunks(input: ChunksInput | undefined, shape: readonly number[], who: string): Chunks {
  const nd = shape.length;
  const spec = input ?? 'auto';
  if (spec === 'auto') return autoChunks(shape).map((c, d) => split(shape[d], Math.max(1, c)));
  if (typeof spec === 'number')
    return normalizeChunks(
      shape.map(() => spec),
      shape,
      who,
    );
  if (!Array.isArray(spec) || spec.length !== nd) {
    throw new RangeError(`${who}: chunks must give one entry per axis (${nd} for shape [${shape.join(', ')}]), got ${JSON.stringify(spec)}`);
  }
  return spec.map((c: number | readonly number[], d: number) => {
    if (typeof c === 'number') {
      if (c === -1) return [shape[d]];
      if (!Number.isInteger(c) || c < 1) throw new RangeError(`${who}: chunk size along axis ${d} must be a positive integer or -1, got ${c}`);
      return split(shape[d], c);
    }
    const sizes = [...c];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((x) => !Number.isInteger(x) || x < 0) || total !== shape[d]) {
      throw new RangeError(`${who}: chunks along axis ${d} are [${sizes.join(', ')}], which must be non-negative integers summing to ${shape[d]}`);
    }
    return sizes;
  });
}

export function numblocks(chunks: Chunks): number[] {
  return chunks.map((c) => c.length);
}

/** Start offset of every block along one axis (plus the end). */
export function offsets(sizes: readonly number[]): number[] {
  const out = [0];
  for (const s of sizes) out.push(out[out.length - 1] + s);
  return out;
}

/** All block indices of a grid, row-major. */
export function blockIndices(grid: readonly number[]): number[][] {
  const out: number[][] = [];
  const total = grid.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(grid.length).fill(0);
  for (let n = 0; n < total; n++) {
    out.push([...idx]);
    for (let d = grid.length - 1; d >= 0; d--) {
      if (++idx[d] < grid[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

export function blockShape(chunks: Chunks, idx: readonly number[]): number[] {
  return idx.map((i, d) => chunks[d][i]);
}

export function sameChunks(a: Chunks, b: Chunks): boolean {
  return a.length === b.length && a.every((c, d) => c.length === b[d].length && c.every((x, i) => x === b[d][i]));
}
