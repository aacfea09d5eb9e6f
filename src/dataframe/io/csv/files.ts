/** File lists for readCsv: paths and globs, and byte-range blocks at line starts. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { expandPaths as expandAll } from '../../../io/paths.js';

/** Paths from a path, a glob or a list of either; errors name what matched nothing. */
export function expandPaths(input: string | readonly string[]): string[] {
  return expandAll(input, 'readCsv');
}

export interface Block {
  path: string;
  start: number;
  end: number;
}

/** Byte ranges of about `blocksize` (null/0: whole files; gzip files are never split). */
export function fileBlocks(paths: readonly string[], blocksize: number | null, isGzip: (p: string) => boolean): Array<Block & { size: number; mtime: number }> {
  const out: Array<Block & { size: number; mtime: number }> = [];
  for (const path of paths) {
    const st = statSync(path);
    const size = st.size;
    if (!blocksize || isGzip(path) || size <= blocksize) {
      out.push({ path, start: 0, end: size, size, mtime: st.mtimeMs });
      continue;
    }
    for (let s = 0; s < size; s += blocksize) out.push({ path, start: s, end: Math.min(size, s + blocksize), size, mtime: st.mtimeMs });
  }
  return out;
}

/** Read bytes [start, end) of a file into a Buffer (fewer if the file is shorter). */
export function readRange(path: string, start: number, end: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.max(0, end - start));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Count newlines in the first `upto` bytes of a file (for line numbers in errors). */
export function countLines(path: string, upto: number): number {
  let lines = 0;
  const chunk = 1 << 20;
  for (let at = 0; at < upto; at += chunk) {
    const b = readRange(path, at, Math.min(upto, at + chunk));
    for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++;
  }
  return lines;
}
