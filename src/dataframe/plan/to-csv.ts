/** toCsv: one write task per partition; the collection computing to the written paths. */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, PartitionLayer, partKey } from '../../core/collection.js';
import { KeyRef, Task } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import type { ToCsvOptions } from '../io/to-csv.js';
import { writeCsv } from '../ops/write-csv.js';
import type { FrameSpec } from './spec.js';

/** The list of written paths (what toCsv computes). */
class PathList implements Collection<string[]> {
  constructor(
    private readonly prefix: string,
    private readonly n: number,
    private readonly layer: GraphLayer,
  ) {}
  get [COLLECTION](): CollectionImpl<string[]> {
    const keys = Array.from({ length: this.n }, (_, i) => partKey(this.prefix, i));
    return { layer: () => this.layer, keys: () => keys, finalize: (p) => p as string[], rebuild: () => this, defaultScheduler: 'threads' };
  }
}

/** One CSV file per partition; `*` in the pattern becomes the partition number. */
export function writeCsvFiles(f: FrameSpec, pattern: string, opts: ToCsvOptions): Collection<string[]> {
  const paths = Array.from({ length: f.npartitions }, (_, i) =>
    pattern.includes('*') ? pattern.replace('*', String(i)) : f.npartitions === 1 ? pattern : `${pattern}.${i}`,
  );
  const prefix = `to-csv-${tokenize(f.prefix, paths, opts)}`;
  const layer = new PartitionLayer(prefix, f.npartitions, (i) => new Task(writeCsv, [new KeyRef(partKey(f.prefix, i)), paths[i], opts]), [f.layer]);
  return new PathList(prefix, f.npartitions, layer);
}
