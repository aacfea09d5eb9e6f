/**
 * Approximate bytes a value holds, for memory accounting and for choosing where tasks run.
 * Exact for typed arrays and strings; large arrays and objects are sampled, not walked fully.
 */
import { totalmem } from 'node:os';
import { registeredTypeOf } from '../core/serialize.js';

const SAMPLE = 64;

export function sizeof(x: unknown, depth = 0): number {
  switch (typeof x) {
    case 'number':
      return 8;
    case 'string':
      return 16 + x.length * 2;
    case 'boolean':
    case 'undefined':
      return 8;
    case 'bigint':
      return 16;
    case 'function':
    case 'symbol':
      return 32;
    case 'object':
      break;
  }
  if (x === null) return 8;
  if (ArrayBuffer.isView(x)) return 64 + x.byteLength;
  if (x instanceof ArrayBuffer || x instanceof SharedArrayBuffer) return 32 + x.byteLength;
  if (depth > 6) return 64;
  const reg = registeredTypeOf(x);
  if (reg !== undefined) {
    try {
      let n = 64;
      for (const b of reg[1].toFrames(x).buffers) n += b.byteLength;
      return n;
    } catch {
      return 64;
    }
  }
  if (Array.isArray(x)) return 32 + sampled(x.length, (i) => sizeof(x[i], depth + 1));
  if (x instanceof Map) {
    const entries = [...x.entries()].slice(0, SAMPLE);
    const each = entries.reduce((s, [k, v]) => s + sizeof(k, depth + 1) + sizeof(v, depth + 1), 0) / Math.max(1, entries.length);
    return 64 + Math.round(each * x.size);
  }
  if (x instanceof Set) {
    const items: unknown[] = [...x].slice(0, SAMPLE);
    const each = items.reduce<number>((s, v) => s + sizeof(v, depth + 1), 0) / Math.max(1, items.length);
    return 64 + Math.round(each * x.size);
  }
  if (x instanceof Date) return 32;
  const keys = Object.keys(x);
  return 32 + sampled(keys.length, (i) => 16 + keys[i].length * 2 + sizeof((x as Record<string, unknown>)[keys[i]], depth + 1));
}

function sampled(n: number, size: (i: number) => number): number {
  if (n <= SAMPLE) {
    let s = 0;
    for (let i = 0; i < n; i++) s += size(i);
    return s;
  }
  let s = 0;
  const step = n / SAMPLE;
  for (let j = 0; j < SAMPLE; j++) s += size(Math.floor(j * step));
  return Math.round((s / SAMPLE) * n);
}

export function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return x.constructor?.name ?? 'Object';
}

/** '2GB', '512 MiB', '1.5e9', 'auto' (total memory / n) -> bytes; 0 means no limit. */
export function parseBytes(text: string | number | undefined, autoShare = 1): number {
  if (text === undefined || text === '' || text === 0 || text === '0' || text === 'none') return 0;
  if (typeof text === 'number') return text;
  const t = text.trim();
  if (t === 'auto') {
    return Math.floor(totalmem() / Math.max(1, autoShare));
  }
  const m = /^([\d.]+(?:e\d+)?)\s*([kmgtp]?)(i?)b?$/i.exec(t);
  if (m === null) throw new Error(`cannot read memory size '${text}': use e.g. 2GB, 512MiB, 1e9 or auto`);
  const units = ' kmgtp';
  const power = units.indexOf((m[2] || ' ').toLowerCase());
  const base = m[3] ? 1024 : 1000;
  return Math.round(Number(m[1]) * base ** power);
}

// One formatter for the whole project; re-exported so the runtime's imports stay where they are.
export { formatBytes } from '../core/format-bytes.js';
