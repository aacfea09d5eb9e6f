/**
 * What a disk-shuffle split task returns: not its pieces but where it wrote them (one file on
 * the worker that ran it, piece j at bytes [offsets[j], offsets[j + 1])). It is tiny, so the
 * scheduler moves and holds it like any small result while the data stays on disk; output
 * task j reads only its own byte range of every split's file.
 */
import { registerType } from '../serialize.js';

export class ShuffleOutput {
  constructor(
    /** The shuffle's key prefix (one directory per shuffle). */
    readonly shuffle: string,
    /** The split task's key: what to recompute when the file is gone. */
    readonly key: string,
    /** Host and process that wrote the file: only that process removes it. */
    readonly host: string,
    readonly pid: number,
    readonly file: string,
    readonly offsets: readonly number[],
  ) {}

  get nbytes(): number {
    return this.offsets[this.offsets.length - 1];
  }
}

interface OutputMeta {
  shuffle: string;
  key: string;
  host: string;
  pid: number;
  file: string;
  offsets: number[];
}

function isOutputMeta(x: unknown): x is OutputMeta {
  if (x === null || typeof x !== 'object') return false;
  const m = x as Record<string, unknown>;
  return (
    typeof m.shuffle === 'string' &&
    typeof m.key === 'string' &&
    typeof m.host === 'string' &&
    typeof m.pid === 'number' &&
    typeof m.file === 'string' &&
    Array.isArray(m.offsets) &&
    m.offsets.every((o) => typeof o === 'number')
  );
}

export const SHUFFLE_OUTPUT_TYPE = 'tsdask.shuffle-output';

registerType<ShuffleOutput>(SHUFFLE_OUTPUT_TYPE, {
  test: (x): x is ShuffleOutput => x instanceof ShuffleOutput,
  toFrames: (o) => ({ meta: { shuffle: o.shuffle, key: o.key, host: o.host, pid: o.pid, file: o.file, offsets: [...o.offsets] }, buffers: [] }),
  fromFrames: (meta) => {
    if (!isOutputMeta(meta)) throw new TypeError(`a ${SHUFFLE_OUTPUT_TYPE} value arrived without its file and offsets (corrupt message)`);
    return new ShuffleOutput(meta.shuffle, meta.key, meta.host, meta.pid, meta.file, meta.offsets);
  },
});
