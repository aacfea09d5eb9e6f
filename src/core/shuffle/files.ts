/**
 * A disk shuffle's files: each split task writes all its pieces into one file (one writev,
 * off the event loop), an output task reads its piece of each file back by byte range, and
 * the process that wrote a file removes it when the scheduler frees the split's result.
 *
 * Files live under TSDASK_SHUFFLE_DIR (a worker points it into its local directory, so a
 * closing worker takes its files with it), else under the system temp directory.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdir, open, rm, rmdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Frames, packParts, unpack } from '../serialize.js';
import { ShuffleOutput } from './output.js';

let fallback: string | undefined;

/** The directory shuffles of this process write under. */
export function shuffleRoot(): string {
  const fromEnv = process.env.TSDASK_SHUFFLE_DIR;
  if (fromEnv) return fromEnv;
  if (fallback === undefined) {
    const dir = join(tmpdir(), `tsdask-shuffle-${process.pid}`);
    fallback = dir;
    // Outside a worker nothing frees split results one by one: the directory goes at exit.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return fallback;
}

/** Directory names from keys: keep it to characters every filesystem accepts. */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Write split `index`'s pieces (encoded, in output order) to one new file. */
export async function writePieces(shuffle: string, key: string, index: number, pieces: readonly Frames[]): Promise<ShuffleOutput> {
  const dir = join(shuffleRoot(), safeName(shuffle));
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${index}-${process.pid}-${Math.random().toString(36).slice(2, 10)}.bin`);
  const offsets = [0];
  const parts: Uint8Array[] = [];
  for (const p of pieces) {
    let n = 0;
    for (const b of packParts(p)) {
      parts.push(b);
      n += b.byteLength;
    }
    offsets.push(offsets[offsets.length - 1] + n);
  }
  const fh = await open(file, 'w');
  try {
    await writeAll(fh, parts);
  } finally {
    await fh.close();
  }
  return new ShuffleOutput(shuffle, key, hostname(), process.pid, file, offsets);
}

async function writeAll(fh: Awaited<ReturnType<typeof open>>, parts: Uint8Array[]): Promise<void> {
  // writev takes a bounded number of buffers per call (IOV_MAX): write in batches.
  for (let i = 0; i < parts.length; i += 512) {
    let batch = parts.slice(i, i + 512);
    let total = 0;
    for (const b of batch) total += b.byteLength;
    let done = (await fh.writev(batch)).bytesWritten;
    while (done < total) {
      // Rare short write: continue from where it stopped.
      let skip = done;
      const rest: Uint8Array[] = [];
      for (const b of batch) {
        if (skip >= b.byteLength) skip -= b.byteLength;
        else {
          rest.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      batch = rest;
      total -= done;
      done = (await fh.writev(batch)).bytesWritten;
    }
  }
}

/**
 * A split's file is gone (its worker died and took it along): the split must run again. The
 * worker turns this into a lost input (`kind` names the split's key), never a failed task.
 */
export class ShuffleInputLost extends Error {
  override name = 'ShuffleInputLost';
  readonly kind: string;
  constructor(
    readonly dep: string,
    file: string,
  ) {
    super(`shuffle piece file ${file} of task '${dep}' is gone; the task is recomputed`);
    this.kind = `${LOST_PREFIX}${dep}`;
  }
}

const LOST_PREFIX = 'shuffle-input-lost:';

/** The split key an error's `kind` says was lost, if it is a lost shuffle input. */
export function lostShuffleInput(kind: string | undefined): string | undefined {
  return kind?.startsWith(LOST_PREFIX) ? kind.slice(LOST_PREFIX.length) : undefined;
}

/** Piece `j` of split output `o`, read from its file. */
export async function readPiece(o: ShuffleOutput, j: number): Promise<Frames> {
  if (!Number.isInteger(j) || j < 0 || j + 1 >= o.offsets.length)
    throw new RangeError(`shuffle output '${o.key}' has no piece ${j} (it has ${o.offsets.length - 1})`);
  const start = o.offsets[j];
  const length = o.offsets[j + 1] - start;
  let fh;
  try {
    fh = await open(o.file, 'r');
  } catch (e) {
    if (!isNotFound(e)) throw e;
    if (o.host !== hostname() && !existsSync(dirname(o.file))) {
      throw new Error(
        `shuffle output '${o.key}' is in ${o.file} on host ${o.host}, which this worker (on ${hostname()}) cannot read: ` +
          "the disk shuffle needs workers on one host or a shared local directory (TSDASK_SHUFFLE_DIR); else set config shuffle: 'tasks'",
        { cause: e },
      );
    }
    throw new ShuffleInputLost(o.key, o.file);
  }
  try {
    const buf = new Uint8Array(length);
    let at = 0;
    while (at < length) {
      const { bytesRead } = await fh.read(buf, at, length - at, start + at);
      if (bytesRead === 0) throw new ShuffleInputLost(o.key, o.file);
      at += bytesRead;
    }
    return unpack(buf);
  } finally {
    await fh.close();
  }
}

function isNotFound(e: unknown): boolean {
  return e instanceof Error && 'code' in e && e.code === 'ENOENT';
}

/** Remove `o`'s file (and its shuffle's directory once empty). Only the process that wrote it does. */
export async function removeOutput(o: ShuffleOutput): Promise<void> {
  if (o.pid !== process.pid || o.host !== hostname()) return;
  await rm(o.file, { force: true });
  await rmdir(dirname(o.file)).catch(() => undefined);
}
