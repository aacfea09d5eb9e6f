/**
 * da.fromArray: an in-memory array cut into blocks. Each block is a copy in shared memory,
 * made when the graph is built (lazily, block by block), so a task ships only its own block,
 * never the whole source array.
 */
import { DataNode } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import { type Block, copyBox, emptyBlock, sizeOf } from '../block.js';
import { blockShape, type Chunks, offsets } from '../chunks.js';
import { type ArraySpec, arraySpec } from '../layer.js';

export type NumericArray =
  Float64Array | Float32Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | readonly number[];

/** Nested arrays of numbers (number[][], number[][][]...), rectangular. */
export type NestedNumbers = ReadonlyArray<number | NestedNumbers>;

/** Shape and row-major values of rectangular nested arrays; ragged input names the first bad path. */
export function flattenNested(data: NestedNumbers, who: string): { values: Float64Array; shape: number[] } {
  const shape: number[] = [];
  for (let x: unknown = data; Array.isArray(x); x = x[0]) shape.push(x.length);
  const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let at = 0;
  const walk = (x: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof x !== 'number')
        throw new TypeError(
          `${who}: ${path} is ${Array.isArray(x) ? 'an array' : typeof x}, expected a number (the first row fixes ${shape.length} dimensions)`,
        );
      values[at++] = x;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) {
      throw new RangeError(
        `${who}: ragged nested arrays: ${path} ${Array.isArray(x) ? `has length ${x.length}` : `is ${typeof x}`}, expected an array of length ${shape[depth]}`,
      );
    }
    x.forEach((v, i) => walk(v, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, 'data');
  return { values, shape };
}

export function toFloat64(data: NumericArray, who: string): Float64Array {
  if (data instanceof Float64Array) return data;
  if (Array.isArray(data)) {
    const bad = (data as unknown[]).findIndex((x) => typeof x !== 'number');
    if (bad >= 0) throw new TypeError(`${who}: element ${bad} is ${typeof (data as unknown[])[bad]}, not a number`);
    return Float64Array.from(data as readonly number[]);
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array)) {
    return Float64Array.from(data as ArrayLike<number>);
  }
  throw new TypeError(
    `${who}: expected a numeric typed array or an array of numbers, got ${data === null ? 'null' : typeof data === 'object' ? (data as object).constructor?.name : typeof data}`,
  );
}

export function fromArray(data: Float64Array, shape: readonly number[], chunks: Chunks): ArraySpec {
  if (sizeOf(shape) !== data.length) {
    throw new RangeError(`fromArray: shape [${shape.join(', ')}] holds ${sizeOf(shape)} values, but the array has ${data.length}`);
  }
  const whole: Block = { shape: [...shape], data };
  const starts = chunks.map(offsets);
  const prefix = `array-${tokenize(data, shape, chunks)}`;
  return arraySpec(
    prefix,
    shape,
    chunks,
    (idx) => {
      const size = blockShape(chunks, idx);
      const b = emptyBlock(size);
      copyBox(
        whole,
        idx.map((i, d) => starts[d][i]),
        b,
        size.map(() => 0),
        size,
      );
      return new DataNode(b);
    },
    [],
  );
}
