/**
 * What DataFrame builders work on: plain records. A partitioned spec (a frame, or a series:
 * a frame with one column) is a key prefix, partitions keyed `prefix#i`, a meta (an empty
 * partition with the schema) and one graph layer; a single-key spec is a lazy single value
 * (a reduction's result). The lazy classes implement these records; builders take and return
 * them and never see the classes (collections.ts wraps them).
 */
import type { GraphLayer } from '../../core/collection.js';
import type { Frame } from '../frame.js';
import type { Block } from '../io/csv/files.js';
import type { BlockSpec } from '../io/csv/options.js';
import type { JoinSpec } from '../ops/merge.js';

export type Kind = 'frame' | 'series';

export const PARTITIONED = Symbol.for('tsdask.dataframe.partitioned');
export const SINGLE = Symbol.for('tsdask.dataframe.single');

/** A CSV block as read: its byte range, the file's size and mtime when planned, and whether it is gzip. */
export interface CsvBlock extends Block {
  readonly size: number;
  readonly mtime: number;
  readonly gzip: boolean;
}

/**
 * Where a frame's columns come from, when it can produce fewer of them more cheaply than all
 * (projection, plan/project.ts): a CSV read (skipped fields are never decoded), or a merge
 * (both inputs can be projected). Plain data: no closures.
 */
export type Source =
  | { readonly kind: 'csv'; readonly blocks: readonly CsvBlock[]; readonly spec: BlockSpec }
  | {
      readonly kind: 'merge';
      readonly left: FrameSpec<'frame'>;
      readonly right: FrameSpec<'frame'>;
      readonly join: JoinSpec;
      readonly broadcast: boolean | null;
      readonly npartitions: number | null;
    };

export interface FrameSpec<K extends Kind = Kind> {
  readonly [PARTITIONED]: true;
  readonly kind: K;
  readonly prefix: string;
  readonly npartitions: number;
  /** Empty partition with the schema. */
  readonly meta: Frame;
  readonly layer: GraphLayer;
  readonly source?: Source;
}

export interface ScalarSpec {
  readonly [SINGLE]: true;
  readonly key: string;
  readonly layer: GraphLayer;
  /** A stand-in value of the right type, used when computing metas. */
  readonly metaValue: unknown;
}

export function frameSpec<K extends Kind>(kind: K, prefix: string, npartitions: number, meta: Frame, layer: GraphLayer, source?: Source): FrameSpec<K> {
  return source === undefined
    ? { [PARTITIONED]: true, kind, prefix, npartitions, meta, layer }
    : { [PARTITIONED]: true, kind, prefix, npartitions, meta, layer, source };
}

export function scalarSpec(key: string, layer: GraphLayer, metaValue: unknown): ScalarSpec {
  return { [SINGLE]: true, key, layer, metaValue };
}

export function isPartitioned(x: unknown): x is FrameSpec {
  return x !== null && typeof x === 'object' && PARTITIONED in x;
}
export function isSingle(x: unknown): x is ScalarSpec {
  return x !== null && typeof x === 'object' && SINGLE in x;
}
export function isSeriesSpec(x: unknown): x is FrameSpec<'series'> {
  return isPartitioned(x) && x.kind === 'series';
}
export function isFrameSpec(x: unknown): x is FrameSpec<'frame'> {
  return isPartitioned(x) && x.kind === 'frame';
}
