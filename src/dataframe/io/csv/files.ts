/** File lists for readCsv: paths, globs (`*`, `?`, `[...]`, `**`), and byte-range blocks at line starts. */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve, sep as pathSep } from 'node:path';

const MAGIC = /[*?[]/;

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = seg.indexOf(']', i);
      if (close < 0) re += '\\[';
      else {
        re += `[${seg.slice(i + 1, close).replace(/^!/, '^')}]`;
        i = close;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function expandGlob(pattern: string): string[] {
  const abs = resolve(pattern);
  const parts = abs.split(pathSep);
  let bases = [parts[0] === '' ? pathSep : parts[0]];
  for (let k = 1; k < parts.length; k++) {
    const seg = parts[k];
    if (seg === '') continue;
    const next: string[] = [];
    if (seg === '**') {
      // zero or more directories
      const stack = [...bases];
      while (stack.length > 0) {
        const d = stack.pop()!;
        next.push(d);
        let entries: import('node:fs').Dirent[] = [];
        try {
          entries = readdirSync(d, { withFileTypes: true });
        } catch {
          continue;
        }
        for (const e of entries) if (e.isDirectory()) stack.push(join(d, e.name));
      }
    } else if (!MAGIC.test(seg)) {
      for (const b of bases) if (existsSync(join(b, seg))) next.push(join(b, seg));
    } else {
      const re = segmentRegex(seg);
      for (const b of bases) {
        let names: string[] = [];
        try {
          names = readdirSync(b);
        } catch {
          continue;
        }
        for (const n of names) if (re.test(n)) next.push(join(b, n));
      }
    }
    bases = next;
  }
  return bases.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

/** Paths from a path, a glob or a list of either; sorted within each glob; errors name what matched nothing. */
export function expandPaths(input: string | readonly string[]): string[] {
  const list = typeof input === 'string' ? [input] : [...input];
  if (list.length === 0) throw new Error('readCsv: no paths given');
  const out: string[] = [];
  for (const p of list) {
    if (MAGIC.test(p)) {
      const found = expandGlob(p).sort();
      if (found.length === 0) throw new Error(`readCsv: no files match '${p}' (resolved from ${process.cwd()})`);
      out.push(...found);
    } else {
      if (!existsSync(p)) throw new Error(`readCsv: file not found: '${p}' (resolved from ${process.cwd()})`);
      out.push(resolve(p));
    }
  }
  return out;
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
