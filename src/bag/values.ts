/**
 * Elements as keys and in order. Python hashes tuples by value; JS Maps compare objects by
 * identity. Bag verbs that group or deduplicate (frequencies, distinct, foldby) key each
 * element by `canonical(x)`: primitives as themselves, arrays/objects/dates by a stable text
 * form, so [1, 'a'] met in two partitions is one key.
 */
import { isPlainObject } from '../core/graph.js';

const OBJ = '\u0000o';
const STR = '\u0000s';

function stable(x: unknown, depth: number): string {
  if (depth > 64) throw new TypeError('bag: element nests deeper than 64 levels (is it cyclic?)');
  if (x === null) return 'null';
  switch (typeof x) {
    case 'number':
      return Object.is(x, -0) ? '0' : Number.isNaN(x) ? 'NaN' : String(x);
    case 'string':
      return JSON.stringify(x);
    case 'boolean':
      return x ? 'true' : 'false';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `${x}n`;
    case 'object':
      break;
    default:
      throw new TypeError(`bag: a ${typeof x} cannot be used as a key (use strings, numbers, arrays or plain objects)`);
  }
  if (Array.isArray(x)) return `[${x.map((v) => stable(v, depth + 1)).join(',')}]`;
  if (x instanceof Date) return `Date(${x.getTime()})`;
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    return `${x.constructor.name}(${Array.from(x as unknown as ArrayLike<number>, (v) => stable(v, depth + 1)).join(',')})`;
  }
  if (isPlainObject(x)) {
    const keys = Object.keys(x).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stable(x[k], depth + 1)}`).join(',')}}`;
  }
  throw new TypeError(`bag: an instance of ${x.constructor?.name ?? 'a class'} cannot be used as a key (use strings, numbers, arrays or plain objects)`);
}

/** A Map key equal for equal values. */
export function canonical(x: unknown): unknown {
  if (typeof x === 'string') return x.startsWith('\u0000') ? STR + x : x;
  if (x !== null && typeof x === 'object') return OBJ + stable(x, 0);
  return x;
}

/** A Map from element values (not identities) to V, in first-seen order. */
export class ValueMap<K, V> {
  private readonly m = new Map<unknown, [K, V]>();
  get size(): number {
    return this.m.size;
  }
  get(k: K): V | undefined {
    return this.m.get(canonical(k))?.[1];
  }
  has(k: K): boolean {
    return this.m.has(canonical(k));
  }
  set(k: K, v: V): void {
    const c = canonical(k);
    const e = this.m.get(c);
    if (e === undefined) this.m.set(c, [k, v]);
    else e[1] = v;
  }
  /** Entries as [key, value] pairs: what partial results carry between tasks. */
  entries(): Array<[K, V]> {
    return [...this.m.values()].map(([k, v]) => [k, v]);
  }
}

function rank(x: unknown): number {
  if (x === null || x === undefined) return 0;
  switch (typeof x) {
    case 'boolean':
      return 1;
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 3;
    case 'object':
    case 'symbol':
    case 'function':
    case 'undefined':
      break; // Dates, arrays and the rest: below
  }
  if (x instanceof Date) return 2;
  if (Array.isArray(x)) return 4;
  return 5;
}

/**
 * Strings by code point, as Python compares them. JavaScript's `<` compares UTF-16 code units,
 * which disagrees once a character beyond U+FFFF (a surrogate pair, e.g. an emoji) meets one in
 * U+E000-U+FFFF: only the first differing unit matters, and only in that pairing, so the loop
 * stays on code units and remaps just that case (surrogates above U+E000-U+FFFF).
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const surrogate = (u: number) => u >= 0xd800 && u <= 0xdfff;
    if (surrogate(x) !== surrogate(y) && Math.max(x, y) >= 0xe000) return surrogate(x) ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * A total order for sorting elements: numbers (and dates) numerically, strings by code point
 * (as Python), arrays lexicographically (like Python tuples); values of different kinds by kind.
 */
export function compare(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 4) {
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compare(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (ra === 2) {
    const x = a instanceof Date ? a.getTime() : (a as number | bigint);
    const y = b instanceof Date ? b.getTime() : (b as number | bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra === 3) return Math.sign(compareStrings(a as string, b as string));
  if (ra === 1) return a === b ? 0 : a ? 1 : -1;
  return 0;
}

/** A key function from a function or a property/index name (`'name'`, `0`). */
export type KeySpec<T, K> = ((x: T) => K) | string | number;

/** Apply a KeySpec (a shipped function, or a property name) to an element. */
export function applyKey<T, K>(key: KeySpec<T, K>, x: T): K {
  if (typeof key === 'function') return key(x);
  if (x === null || typeof x !== 'object') throw new TypeError(`bag: cannot read key ${JSON.stringify(key)} of ${describe(x)}`);
  return (x as Record<string | number, K>)[key];
}

export function describe(x: unknown): string {
  switch (typeof x) {
    case 'object':
      if (x === null) return 'null';
      if (Array.isArray(x)) return `an array of length ${x.length}`;
      return `an object (${x.constructor?.name ?? 'null prototype'})`;
    case 'string':
      return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x)}`;
    default:
      return `${typeof x} ${String(x)}`;
  }
}
