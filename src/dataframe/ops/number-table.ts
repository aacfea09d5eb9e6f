/** A hash table from numbers to dense ids (under KeyIndex and the join). */
import { hashNumber } from './hash.js';

/**
 * Open-addressing hash table from numbers to dense ids 0..size-1. -0 folds into 0 and every
 * NaN into one key, so each distinct number gets exactly one id.
 */
export class NumberTable {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private nanId = -1;
  size = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private slot(x: number): number {
    return hashNumber(x) & this.mask;
  }

  /** The id of x, adding it (as the next id) when new. */
  intern(x: number): number {
    if (x !== x) {
      if (this.nanId < 0) this.nanId = this.size++;
      return this.nanId;
    }
    if (x === 0) x = 0;
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let s = this.slot(x);
    for (;;) {
      const v = vals[s];
      if (v < 0) break;
      if (keys[s] === x) return v;
      s = (s + 1) & mask;
    }
    const id = this.size++;
    keys[s] = x;
    vals[s] = id;
    if (this.size * 2 > mask + 1) this.grow();
    return id;
  }

  /** The id of x, or -1. */
  get(x: number): number {
    if (x !== x) return this.nanId;
    if (x === 0) x = 0;
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let s = this.slot(x);
    for (;;) {
      const v = vals[s];
      if (v < 0) return -1;
      if (keys[s] === x) return v;
      s = (s + 1) & mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = (this.mask + 1) * 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let s = 0; s < oldVals.length; s++) {
      const v = oldVals[s];
      if (v < 0) continue;
      const x = oldKeys[s];
      let t = this.slot(x);
      while (this.vals[t] >= 0) t = (t + 1) & this.mask;
      this.keys[t] = x;
      this.vals[t] = v;
    }
  }
}
