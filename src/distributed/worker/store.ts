/**
 * A worker's results: kept as values, or as received bytes until first used (a value fetched
 * only to be forwarded is never decoded), or spilled to disk least-recently-used first when
 * memory runs short. Spill files hold the wire's frame layout (header + raw frames, written
 * with writev, never JSON of columns), so reading one back is a single read and no parse.
 * Spill writes go through libuv's thread pool (fs/promises), off the event loop: a worker
 * spilling hundreds of MB keeps answering heartbeats and peers meanwhile. A value stays in
 * memory (readable) while its file is written and leaves when the write completed.
 */
import { mkdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, encode, packParts, unpack } from '../../core/serialize.js';
import type { Payload } from '../protocol/index.js';
import { sizeof, typeName } from '../sizeof.js';

interface Entry {
  value: unknown;
  decoded: boolean;
  payload: Payload | undefined;
  file: string | undefined;
  nbytes: number;
  type: string;
  /** Encoding or writing failed once: never try to spill it again. */
  unspillable: boolean;
  /** Its spill file is being written. */
  writing: boolean;
}

export class DataStore {
  private readonly entries = new Map<string, Entry>();
  private fileCounter = 0;
  /** Bytes of entries held in memory (not counting those being written to disk). */
  memoryBytes = 0;
  /** Bytes of entries whose spill file is being written (still in memory until it completes). */
  writingBytes = 0;
  /** Spill writes completed since the start: their values left memory at the next collection. */
  writesDone = 0;
  spilledBytes = 0;
  spilledCount = 0;
  /** Values written to disk since the start (a value read back and spilled again counts twice). */
  spillsTotal = 0;

  constructor(
    private readonly spillDir: string,
    /** A spill write failed (the value stays in memory): say why. */
    private readonly warn: (line: string) => void = () => undefined,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  info(key: string): { nbytes: number; type: string } | undefined {
    const e = this.entries.get(key);
    return e === undefined ? undefined : { nbytes: e.nbytes, type: e.type };
  }

  private touch(key: string, e: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, e);
  }

  setValue(key: string, value: unknown, nbytes = sizeof(value)): { nbytes: number; type: string } {
    this.delete(key);
    const e: Entry = { value, decoded: true, payload: undefined, file: undefined, nbytes, type: typeName(value), unspillable: false, writing: false };
    this.entries.set(key, e);
    this.memoryBytes += nbytes;
    return { nbytes, type: e.type };
  }

  setPayload(key: string, payload: Payload, nbytes: number, type: string, owned = false): void {
    this.delete(key);
    // Copy frames out of the message they arrived in, so that message can be freed.
    const own: Payload = owned ? payload : { header: payload.header, frames: payload.frames.map((f) => new Uint8Array(f)) };
    this.entries.set(key, { value: undefined, decoded: false, payload: own, file: undefined, nbytes, type, unspillable: false, writing: false });
    this.memoryBytes += nbytes;
  }

  get(key: string): unknown {
    const e = this.entries.get(key);
    if (e === undefined) throw new Error(`worker does not hold '${key}'`);
    this.touch(key, e);
    if (e.decoded) return e.value;
    if (e.file !== undefined) this.unspill(e);
    e.value = decode(e.payload!);
    e.decoded = true;
    // The bytes are no longer needed once decoded (a peer asking again re-encodes).
    e.payload = undefined;
    return e.value;
  }

  /** Bytes to send: cached, read back from disk, or encoded now (may throw SerializationError). */
  getPayload(key: string): Payload {
    const e = this.entries.get(key);
    if (e === undefined) throw new Error(`worker does not hold '${key}'`);
    if (e.payload !== undefined) return e.payload;
    if (e.file !== undefined) return unpack(readFileSync(e.file));
    const f = encode(e.value, `the result of task '${key}'`);
    return f;
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    if (e.file !== undefined) {
      this.spilledBytes -= e.nbytes;
      this.spilledCount--;
      try {
        unlinkSync(e.file);
      } catch {
        // already gone
      }
    } else if (e.writing) this.writingBytes -= e.nbytes;
    else this.memoryBytes -= e.nbytes;
  }

  private unspill(e: Entry): void {
    e.payload = unpack(readFileSync(e.file!));
    try {
      unlinkSync(e.file!);
    } catch {
      // already gone
    }
    e.file = undefined;
    this.spilledBytes -= e.nbytes;
    this.spilledCount--;
    this.memoryBytes += e.nbytes;
  }

  /**
   * Start writing least-recently-used values to disk until memory holds at most `target` bytes
   * (0: all that can be), not counting values already being written. Keys in `keep` (inputs of
   * tasks about to run) stay. Returns how many writes it started.
   */
  spillUntil(target: number, keep?: ReadonlySet<string>): number {
    let n = 0;
    for (const [key, e] of this.entries) {
      if (this.memoryBytes <= target) break;
      // Tiny values free nothing worth a file.
      if (e.file !== undefined || e.writing || e.unspillable || e.nbytes < 4096 || keep?.has(key)) continue;
      let parts: Uint8Array[];
      try {
        parts = packParts(e.payload ?? encode(e.value, `the result of task '${key}'`));
      } catch {
        e.unspillable = true;
        continue;
      }
      if (this.fileCounter === 0) mkdirSync(this.spillDir, { recursive: true });
      const file = join(this.spillDir, `${++this.fileCounter}.bin`);
      e.writing = true;
      this.memoryBytes -= e.nbytes;
      this.writingBytes += e.nbytes;
      n++;
      void writeParts(file, parts).then(
        () => this.written(key, e, file),
        (err: unknown) => this.writeFailed(key, e, file, err),
      );
    }
    return n;
  }

  private written(key: string, e: Entry, file: string): void {
    this.writesDone++;
    if (this.entries.get(key) !== e) {
      // Deleted (or replaced) while being written: the file is nobody's.
      void unlink(file).catch(() => undefined);
      return;
    }
    e.writing = false;
    e.file = file;
    e.value = undefined;
    e.decoded = false;
    e.payload = undefined;
    this.writingBytes -= e.nbytes;
    this.spilledBytes += e.nbytes;
    this.spilledCount++;
    this.spillsTotal++;
  }

  private writeFailed(key: string, e: Entry, file: string, err: unknown): void {
    void unlink(file).catch(() => undefined);
    if (this.entries.get(key) !== e) return;
    e.writing = false;
    e.unspillable = true;
    this.writingBytes -= e.nbytes;
    this.memoryBytes += e.nbytes;
    this.warn(`could not spill '${key}' to ${file} (it stays in memory): ${err instanceof Error ? err.message : String(err)}`);
  }

  clear(): void {
    for (const k of [...this.entries.keys()]) this.delete(k);
  }

  removeSpillDir(): void {
    rmSync(this.spillDir, { recursive: true, force: true });
  }
}

/** Write `parts` to a new file, all of it (writev may write less than asked), on libuv's thread pool. */
async function writeParts(file: string, parts: Uint8Array[]): Promise<void> {
  const fh = await open(file, 'w');
  try {
    let total = 0;
    for (const p of parts) total += p.byteLength;
    let done = (await fh.writev(parts)).bytesWritten;
    // Rare: continue after a short write from where it stopped.
    while (done < total) {
      let skip = done;
      const rest: Uint8Array[] = [];
      for (const p of parts) {
        if (skip >= p.byteLength) skip -= p.byteLength;
        else {
          rest.push(skip > 0 ? p.subarray(skip) : p);
          skip = 0;
        }
      }
      done += (await fh.writev(rest)).bytesWritten;
    }
  } finally {
    await fh.close();
  }
}
