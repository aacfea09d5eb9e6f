/**
 * db.readText(paths, opts): one element per line, line terminators (\n, \r\n) removed.
 * One partition per file; with `blocksize`, uncompressed files split into byte ranges and a
 * line belongs to the range where it starts. `.gz` files are gunzipped transparently (whole
 * file per partition: gzip streams cannot be entered in the middle).
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { GraphNode } from '../../core/graph.js';
import { Task } from '../../core/graph.js';
import { kernel } from '../../core/kernels.js';
import { tokenize } from '../../core/tokenize.js';
import { type BagSpec, PartitionLayer } from '../graph.js';
import { expandPaths } from '../../io/paths.js';

export interface ReadTextOptions {
  /** 'infer' (default): gzip for names ending in .gz. */
  compression?: 'infer' | 'gzip' | 'none';
  encoding?: 'utf8' | 'latin1';
  /** Split uncompressed files into blocks of about this many bytes (number or '64MB'). */
  blocksize?: number | string;
  /** Keep each line's terminator, as Dask's read_text does (default false). */
  keepNewlines?: boolean;
}

type Encoding = 'utf8' | 'latin1';

function splitLines(text: string, keep: boolean): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    if (keep) out.push(text.slice(start, nl + 1));
    else out.push(text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl));
    start = nl + 1;
  }
  if (start < text.length) {
    const last = text.slice(start);
    out.push(!keep && last.endsWith('\r') ? last.slice(0, -1) : last);
  }
  return out;
}

function gunzip(path: string, bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`readText: ${path} is not valid gzip data (${(e as Error).message}); pass { compression: 'none' } if it is plain text`, { cause: e });
  }
}

/** Bytes of the lines starting in [start, end): skip the partial first line, finish the last one. */
function readRange(path: string, start: number, end: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    let from = start;
    if (start > 0) {
      // A line starts at `start` only if the byte before it ends a line.
      const probe = Buffer.alloc(1 << 16);
      let at = start - 1;
      for (;;) {
        const n = readSync(fd, probe, 0, probe.length, at);
        if (n === 0) return Buffer.alloc(0);
        const nl = probe.subarray(0, n).indexOf(10);
        if (nl >= 0) {
          from = at + nl + 1;
          break;
        }
        at += n;
      }
      if (from >= end) return Buffer.alloc(0);
    }
    const chunks: Buffer[] = [];
    let pos = from;
    // The range itself, then up to the newline that ends its last line.
    const main = Buffer.alloc(Math.max(0, Math.min(end, size) - from));
    let got = 0;
    while (got < main.length) {
      const n = readSync(fd, main, got, main.length - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    chunks.push(main.subarray(0, got));
    pos += got;
    if (got > 0 && main[got - 1] !== 10) {
      const tail = Buffer.alloc(1 << 16);
      for (;;) {
        const n = readSync(fd, tail, 0, tail.length, pos);
        if (n === 0) break;
        const nl = tail.subarray(0, n).indexOf(10);
        if (nl >= 0) {
          chunks.push(Buffer.from(tail.subarray(0, nl + 1)));
          break;
        }
        chunks.push(Buffer.from(tail.subarray(0, n)));
        pos += n;
      }
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

export const readTextKernel = kernel(
  'bag.read-text',
  (path: string, gzip: boolean, start: number, end: number | null, encoding: Encoding, keep: boolean): string[] => {
    let bytes: Buffer;
    try {
      bytes = end === null ? readFileSync(path) : readRange(path, start, end);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT')
        throw new Error(`readText: ${path} does not exist on this worker (on remote workers the file must exist at the same path)`, { cause: e });
      throw e;
    }
    if (gzip) bytes = gunzip(path, bytes);
    return splitLines(bytes.toString(encoding), keep);
  },
);

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export function parseBytes(x: number | string): number {
  if (typeof x === 'number') {
    if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`readText: blocksize must be a positive number of bytes, got ${x}`);
    return Math.floor(x);
  }
  const m = /^\s*([\d.]+)\s*([a-z]*)\s*$/i.exec(x);
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  if (m === null || unit === undefined || !(Number(m[1]) > 0))
    throw new RangeError(`readText: cannot read blocksize '${x}' (use a number of bytes or e.g. '64MB', '1GiB')`);
  return Math.floor(Number(m[1]) * unit);
}

function isGzip(path: string, compression: ReadTextOptions['compression']): boolean {
  if (compression === 'gzip') return true;
  if (compression === 'none') return false;
  if (compression !== undefined && compression !== 'infer')
    throw new RangeError(`readText: compression must be 'infer', 'gzip' or 'none', got '${String(compression satisfies never)}'`);
  if (/\.(bz2|xz|zst|zip)$/i.test(path)) {
    throw new Error(`readText: ${path}: only gzip (.gz) is read transparently; decompress the file first, or pass { compression: 'none' } if it is plain text`);
  }
  return /\.gz$/i.test(path);
}

export function readText(paths: string | readonly string[], opts: ReadTextOptions = {}): BagSpec {
  const files = expandPaths(paths, 'readText');
  const encoding = opts.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'latin1')
    throw new RangeError(`readText: encoding must be 'utf8' or 'latin1', got '${String(encoding satisfies never)}'`);
  const keep = opts.keepNewlines === true;
  const blocksize = opts.blocksize === undefined ? undefined : parseBytes(opts.blocksize);
  const parts: Array<[path: string, gzip: boolean, start: number, end: number | null]> = [];
  const stamps: Array<[number, number]> = [];
  for (const f of files) {
    const gz = isGzip(f, opts.compression);
    const st = statSync(f);
    stamps.push([st.size, st.mtimeMs]);
    if (blocksize === undefined || gz || st.size <= blocksize) parts.push([f, gz, 0, null]);
    else for (let s = 0; s < st.size; s += blocksize) parts.push([f, gz, s, Math.min(s + blocksize, st.size)]);
  }
  // Same files, unchanged, same options: same keys (size and mtime make an edited file new tasks).
  const prefix = `read-text-${tokenize(parts, stamps, encoding, keep)}`;
  const make = (i: number): GraphNode => {
    const [f, gz, s, e] = parts[i];
    return new Task(readTextKernel, [f, gz, s, e, encoding, keep]);
  };
  return { prefix, npartitions: parts.length, layer: new PartitionLayer(prefix, parts.length, make, []) };
}
