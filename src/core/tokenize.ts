/**
 * Deterministic tokens for pure calls: the same function with the same arguments gives the
 * same token, so identical calls (and two collections reading the same CSV block) share a key.
 * Plain data is hashed by value; functions and class instances by identity (a per-process id),
 * except registered kernels, which are hashed by their registered name.
 */
import { isPlainObject } from './graph.js';

let counter = 0;
const identities = new WeakMap<object, string>();

/** Objects that know their own token (Delayed, collections, Futures) implement this. */
export const TOKEN = Symbol.for('tsdask.token');
interface Tokenizable {
  [TOKEN](): string;
}

/** Mark a function as a named kernel: tokenized (and shipped) by this name. */
export const KERNEL_NAME = Symbol.for('tsdask.kernel');

function identity(x: object): string {
  let id = identities.get(x);
  if (id === undefined) {
    id = `@${++counter}`;
    identities.set(x, id);
  }
  return id;
}

function write(x: unknown, out: string[], depth: number): void {
  if (depth > 64) throw new Error('tokenize: argument nests deeper than 64 levels (is it cyclic?)');
  switch (typeof x) {
    case 'number':
      out.push(Object.is(x, -0) ? 'n-0' : `n${x}`);
      return;
    case 'string':
      out.push(`s${x.length}:${x}`);
      return;
    case 'boolean':
      out.push(x ? 'T' : 'F');
      return;
    case 'undefined':
      out.push('U');
      return;
    case 'bigint':
      out.push(`b${x}`);
      return;
    case 'symbol':
      out.push(`y${identity(x as unknown as object)}`);
      return;
    case 'function': {
      const kernel = (x as { [KERNEL_NAME]?: string })[KERNEL_NAME];
      out.push(kernel !== undefined ? `k${kernel}` : `f${identity(x)}`);
      return;
    }
    case 'object':
      break; // null, arrays, plain objects, registered and other instances: below
  }
  if (x === null) {
    out.push('N');
    return;
  }
  const obj = x;
  if (TOKEN in obj) {
    out.push(`t${(obj as Tokenizable)[TOKEN]()}`);
  } else if (Array.isArray(obj)) {
    out.push(`[${obj.length}`);
    for (const item of obj) write(item, out, depth + 1);
    out.push(']');
  } else if (isPlainObject(obj)) {
    const keys = Object.keys(obj).sort();
    out.push(`{${keys.length}`);
    for (const k of keys) {
      out.push(k);
      write(obj[k], out, depth + 1);
    }
    out.push('}');
  } else if (ArrayBuffer.isView(obj)) {
    const bytes = new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength);
    out.push(`v${obj.constructor.name}:${hashBytes(bytes)}`);
  } else if (obj instanceof Date) {
    out.push(`d${obj.getTime()}`);
  } else {
    out.push(`o${identity(obj)}`);
  }
}

/** cyrb53: a fast 53-bit string hash with good spread. */
function cyrb53(str: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function hashBytes(bytes: Uint8Array): string {
  // Hash 4 bytes at a time through the string hash's mixing; exact for any length.
  let h1 = 0x9e3779b9;
  let h2 = 0x85ebca6b;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 2654435761);
    h2 = Math.imul(h2 ^ bytes[i], 1597334677);
  }
  return `${n}.${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36)}`;
}

/** A 26-hex-digit token of any arguments. */
export function tokenize(...parts: unknown[]): string {
  const out: string[] = [];
  for (const p of parts) write(p, out, 0);
  const s = out.join('\u0001');
  return cyrb53(s, 0).toString(16).padStart(14, '0') + cyrb53(s, 7).toString(16).padStart(14, '0').slice(0, 12);
}

/** A token that is never produced again in this process (for impure calls). */
export function uniqueToken(): string {
  return `${Date.now().toString(16)}${(++counter).toString(16).padStart(6, '0')}${Math.floor(Math.random() * 0xffffff).toString(16)}`;
}
