/** Graph pieces of an array: one key per block, `prefix#i,j`, built on demand. */
import type { GraphLayer } from '../core/collection.js';
import type { GraphNode } from '../core/graph.js';
import { blockIndices, type Chunks, numblocks } from './chunks.js';

/** What graph builders need from an array. */
export interface ArraySpec {
  readonly prefix: string;
  readonly shape: readonly number[];
  readonly chunks: Chunks;
  readonly layer: GraphLayer;
}

export function blockKey(prefix: string, idx: readonly number[]): string {
  return `${prefix}#${idx.join(',')}`;
}

export class BlockLayer implements GraphLayer {
  constructor(
    readonly id: string,
    private readonly grid: readonly number[],
    private readonly make: (idx: number[]) => GraphNode,
    readonly deps: readonly GraphLayer[],
  ) {}
  *nodes(): Iterable<readonly [string, GraphNode]> {
    for (const idx of blockIndices(this.grid)) yield [blockKey(this.id, idx), this.make(idx)];
  }
}

/** An array spec whose blocks are made by `make(idx)`. */
export function arraySpec(
  prefix: string,
  shape: readonly number[],
  chunks: Chunks,
  make: (idx: number[]) => GraphNode,
  deps: readonly GraphLayer[],
): ArraySpec {
  return { prefix, shape: [...shape], chunks, layer: new BlockLayer(prefix, numblocks(chunks), make, deps) };
}
