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
  | Float64Array | Float32Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | readonly number[];

export function toFloat64(data: NumericArray, who: string): Float64Array {
  if (data instanceof Float64Array) return data;
  if (Array.isArray(data) || ArrayBuffer.isView(data)) {
    const out = Float64Array.from(data as ArrayLike<number>);
    if (Array.isArray(data)) {
      const bad = (data as unknown[]).findIndex((x) => typeof x !== 'number');
      if (bad >= 0) throw new TypeError(`${who}: element ${bad} is ${typeof (data as unknown[])[bad]}, not a number (nested arrays: pass a flat array and a shape)`);
    }
    return out;
  }
  throw new TypeError(`${who}: expected a typed array or an array of numbers, got ${data === null ? 'null' : typeof data}`);
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
      copyBox(whole, idx.map((i, d) => starts[d][i]), b, size.map(() => 0), size);
      return new DataNode(b);
    },
    [],
  );
}
