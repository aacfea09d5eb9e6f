/**
 * x.add/sub/mul/div/pow(y): element-wise arithmetic with NumPy broadcasting. `y` is a number
 * or an array whose shape broadcasts against x's (trailing axes equal or 1). An operand whose
 * chunks differ from the output's along a shared axis is rechunked to match first.
 */
import { KeyRef, Task } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { tokenize } from '../../core/tokenize.js';
import { alloc, type Block, sizeOf, stridesOf } from '../block.js';
import type { Chunks } from '../chunks.js';
import { type ArraySpec, arraySpec, blockKey } from '../layer.js';
import { rechunk } from './rechunk.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

const OPS: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => (a > b || a !== a ? a : b),
  minimum: (a, b) => (a < b || a !== a ? a : b),
};

/** Tight loops for the common shapes: equal shapes, or one side a single value. */
function flat(op: BinaryOp, a: Float64Array | number, b: Float64Array | number, o: Float64Array): void {
  const n = o.length;
  if (typeof a !== 'number' && typeof b !== 'number') {
    if (op === 'add') for (let i = 0; i < n; i++) o[i] = a[i] + b[i];
    else if (op === 'sub') for (let i = 0; i < n; i++) o[i] = a[i] - b[i];
    else if (op === 'mul') for (let i = 0; i < n; i++) o[i] = a[i] * b[i];
    else if (op === 'div') for (let i = 0; i < n; i++) o[i] = a[i] / b[i];
    else for (let i = 0, f = OPS[op]; i < n; i++) o[i] = f(a[i], b[i]);
  } else if (typeof b === 'number') {
    const x = a as Float64Array;
    if (op === 'add') for (let i = 0; i < n; i++) o[i] = x[i] + b;
    else if (op === 'sub') for (let i = 0; i < n; i++) o[i] = x[i] - b;
    else if (op === 'mul') for (let i = 0; i < n; i++) o[i] = x[i] * b;
    else if (op === 'div') for (let i = 0; i < n; i++) o[i] = x[i] / b;
    else for (let i = 0, f = OPS[op]; i < n; i++) o[i] = f(x[i], b);
  } else {
    const y = b;
    const x = a as number;
    for (let i = 0, f = OPS[op]; i < n; i++) o[i] = f(x, y[i]);
  }
}

export function broadcastShapes(a: readonly number[], b: readonly number[], who: string): number[] {
  const nd = Math.max(a.length, b.length);
  const out = new Array<number>(nd);
  for (let d = 0; d < nd; d++) {
    const x = a[a.length - nd + d] ?? 1;
    const y = b[b.length - nd + d] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new RangeError(`${who}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (axis ${d} from the end: ${x} vs ${y})`);
    }
    out[d] = x === 1 ? y : x;
  }
  return out;
}

/** Strides of `shape` seen from an `nd`-axis output: 0 along broadcast (length-1 or missing) axes. */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const s = stridesOf(shape);
  const pad = out.length - shape.length;
  return out.map((_, d) => (d < pad || shape[d - pad] === 1 ? 0 : s[d - pad]));
}

export const elemwiseKernel = kernel('array.elemwise', (op: BinaryOp, a: Block | number, b: Block | number): Block => {
  const sa = typeof a === 'number' ? [] : a.shape;
  const sb = typeof b === 'number' ? [] : b.shape;
  const shape = broadcastShapes(sa, sb, op);
  const o = alloc(sizeOf(shape));
  const da = typeof a === 'number' ? a : sizeOf(sa) === 1 ? a.data[0] : a.data;
  const db = typeof b === 'number' ? b : sizeOf(sb) === 1 ? b.data[0] : b.data;
  const same = (s: readonly number[]) => s.length === shape.length && s.every((x, d) => x === shape[d]);
  if ((typeof da === 'number' || same(sa)) && (typeof db === 'number' || same(sb))) {
    if (typeof da === 'number' && typeof db === 'number') o.fill(OPS[op](da, db));
    else flat(op, da, db, o);
    return { shape, data: o };
  }
  // General broadcasting: odometer over the output, inner loop along the last axis.
  const x = (a as Block).data;
  const y = (b as Block).data;
  const ta = broadcastStrides(sa, shape);
  const tb = broadcastStrides(sb, shape);
  const nd = shape.length;
  const len = shape[nd - 1];
  const la = ta[nd - 1];
  const lb = tb[nd - 1];
  const f = OPS[op];
  const idx = new Array<number>(nd).fill(0);
  let ia = 0;
  let ib = 0;
  for (let at = 0; at < o.length; at += len) {
    for (let k = 0; k < len; k++) o[at + k] = f(x[ia + k * la], y[ib + k * lb]);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      ia += ta[d];
      ib += tb[d];
      if (idx[d] < shape[d]) break;
      ia -= ta[d] * shape[d];
      ib -= tb[d] * shape[d];
      idx[d] = 0;
    }
  }
  return { shape, data: o };
});

/** Output chunks of a broadcast: along each axis, those of an operand that spans it. */
function outputChunks(shape: readonly number[], a: ArraySpec, b: ArraySpec): Chunks {
  const nd = shape.length;
  return shape.map((n, d) => {
    const ca = a.shape.length - nd + d >= 0 ? a.chunks[a.shape.length - nd + d] : undefined;
    const cb = b.shape.length - nd + d >= 0 ? b.chunks[b.shape.length - nd + d] : undefined;
    if (ca !== undefined && a.shape[a.shape.length - nd + d] === n) return [...ca];
    if (cb !== undefined) return [...cb];
    return [n];
  });
}

/** `x` rechunked so its spanning axes match `chunks` (broadcast axes keep their one block). */
function align(x: ArraySpec, out: readonly number[], chunks: Chunks): ArraySpec {
  const pad = out.length - x.shape.length;
  const want = x.shape.map((n, d) => (n === out[d + pad] ? chunks[d + pad] : [...x.chunks[d]]));
  return rechunk(x, want);
}

export function elemwise(op: BinaryOp, a: ArraySpec | number, b: ArraySpec | number): ArraySpec {
  if (typeof a === 'number' && typeof b === 'number') throw new TypeError(`${op}: at least one operand must be an array`);
  const arr = (typeof a === 'number' ? b : a) as ArraySpec;
  if (typeof a === 'number' || typeof b === 'number') {
    const prefix = `${op}-${tokenize(typeof a === 'number' ? a : a.prefix, typeof b === 'number' ? b : b.prefix)}`;
    return arraySpec(
      prefix,
      arr.shape,
      arr.chunks,
      (idx) => {
        const ref = new KeyRef(blockKey(arr.prefix, idx));
        return new Task(elemwiseKernel, typeof a === 'number' ? [op, a, ref] : [op, ref, b]);
      },
      [arr.layer],
    );
  }
  const shape = broadcastShapes(a.shape, b.shape, op);
  const chunks = outputChunks(shape, a, b);
  const A = align(a, shape, chunks);
  const B = align(b, shape, chunks);
  const nd = shape.length;
  const pick = (x: ArraySpec, o: readonly number[]) => x.shape.map((n, d) => (n === shape[d + nd - x.shape.length] ? o[d + nd - x.shape.length] : 0));
  const prefix = `${op}-${tokenize(A.prefix, B.prefix)}`;
  const deps = A.layer.id === B.layer.id ? [A.layer] : [A.layer, B.layer];
  return arraySpec(
    prefix,
    shape,
    chunks,
    (o) => new Task(elemwiseKernel, [op, new KeyRef(blockKey(A.prefix, pick(A, o))), new KeyRef(blockKey(B.prefix, pick(B, o)))]),
    deps,
  );
}
