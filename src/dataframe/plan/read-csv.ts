/**
 * The read layer of a CSV source: one task per block, parsing only the columns its spec does
 * not skip. The frame records its source (blocks and full spec), so a projection builds
 * another read of the same blocks (plan/project.ts) without globbing or sampling again.
 */
import { PartitionLayer } from '../../core/collection.js';
import { Task } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import { type Frame, markMissing, markZeros } from '../frame.js';
import { joinDates } from '../io/csv/block.js';
import type { BlockSpec } from '../io/csv/options.js';
import { parseRows } from '../io/csv/parser.js';
import { readCsvBlock } from '../ops/read-csv.js';
import { type CsvBlock, type FrameSpec, frameSpec } from './spec.js';

/** The schema a block read with `spec` produces (joined date columns first). */
export function csvMeta(spec: BlockSpec, path: string): Frame {
  const empty = parseRows(Buffer.alloc(0), 0, 0, spec, path, () => 0).frame;
  const meta = spec.joins.length > 0 ? joinDates(empty, spec) : empty;
  for (const n of spec.sampled?.missing ?? []) if (meta.has(n)) markMissing(meta.col(n));
  for (const n of spec.sampled?.zeros ?? []) if (meta.has(n)) markZeros(meta.col(n));
  return meta;
}

/** A frame reading `blocks` with `spec` (gzip is set per block). */
export function csvFrame(blocks: readonly CsvBlock[], spec: BlockSpec): FrameSpec<'frame'> {
  const token = tokenize(
    'read-csv',
    blocks.map((b) => [b.path, b.size, b.mtime, b.start, b.end]),
    spec,
  );
  const prefix = `read-csv-${token}`;
  const plain: BlockSpec = { ...spec, gzip: false };
  const gzip: BlockSpec = { ...spec, gzip: true };
  const layer = new PartitionLayer(
    prefix,
    blocks.length,
    (i) => {
      const b = blocks[i];
      return new Task(readCsvBlock, [b.path, b.start, b.end, b.size, b.gzip ? gzip : plain]);
    },
    [],
  );
  return frameSpec('frame', prefix, blocks.length, csvMeta(spec, blocks[0].path), layer, { kind: 'csv', blocks, spec });
}

/** The same read parsing only `columns` (and the sources of joined date columns, which are always kept). */
export function projectCsv(blocks: readonly CsvBlock[], spec: BlockSpec, columns: readonly string[]): FrameSpec<'frame'> {
  const wanted = new Set(columns);
  const joined = new Set(spec.joins.flatMap((j) => j.cols));
  const kinds = spec.kinds.map((k, i) => (k === 'skip' || wanted.has(spec.names[i]) || joined.has(i) ? k : 'skip'));
  return csvFrame(blocks, { ...spec, kinds });
}
