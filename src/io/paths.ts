/** File paths for readers: a path, a glob (`*`, `?`, `[...]`, `**`) or a list of either; sorted within each glob. */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

const MAGIC = /[*?[]/;

function segmentPattern(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[' && seg.indexOf(']', i + 1) > i + 1) {
      const close = seg.indexOf(']', i + 1);
      re += `[${seg
        .slice(i + 1, close)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function list(dir: string): import('node:fs').Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function glob(pattern: string): string[] {
  const parts = resolve(pattern).split(sep);
  let bases = [parts[0] === '' ? sep : parts[0] + sep];
  for (const seg of parts.slice(1)) {
    if (seg === '') continue;
    const next: string[] = [];
    if (seg === '**') {
      const stack = [...bases];
      while (stack.length > 0) {
        const d = stack.pop()!;
        next.push(d);
        for (const e of list(d)) if (e.isDirectory()) stack.push(join(d, e.name));
      }
    } else if (!MAGIC.test(seg)) {
      for (const b of bases) next.push(join(b, seg));
    } else {
      const re = segmentPattern(seg);
      for (const b of bases) for (const e of list(b)) if (re.test(e.name)) next.push(join(b, e.name));
    }
    bases = next;
  }
  return [...new Set(bases.filter(isFile))].sort();
}

/** Expand `input` to existing files; a glob matching nothing or a missing path is an error naming it. */
export function expandPaths(input: string | readonly string[], who: string): string[] {
  const items = typeof input === 'string' ? [input] : [...input];
  if (items.length === 0) throw new Error(`${who}: no paths given`);
  const out: string[] = [];
  for (const p of items) {
    if (typeof p !== 'string') throw new TypeError(`${who}: paths must be strings, got ${typeof p}`);
    if (MAGIC.test(p)) {
      const found = glob(p);
      if (found.length === 0) throw new Error(`${who}: no files match '${p}' (relative paths resolve from ${process.cwd()})`);
      out.push(...found);
    } else {
      const abs = resolve(p);
      if (!isFile(abs)) throw new Error(`${who}: no such file '${p}' (resolved to ${abs})`);
      out.push(abs);
    }
  }
  return out;
}
