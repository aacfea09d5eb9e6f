/**
 * Seeded random numbers for array blocks: xoshiro128** (32-bit state words, fast in JS) seeded
 * through splitmix32 from (seed, block number). Every block has its own stream, fixed when the
 * graph is built, so values never depend on which worker or scheduler computes a block.
 * Normals use a 256-layer ziggurat (Marsaglia & Tsang) with 55-bit uniforms: about 3x faster
 * than the polar method, which needs a logarithm and a square root per pair.
 */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_M23 = 2 ** -23;
const TWO_M55 = 2 ** -55;

// Ziggurat tables for f(x) = exp(-x²/2): X[i] is the right edge of layer i (X[0] the base
// layer's virtual width: its rectangle plus the tail has the same area V as every layer).
const R = 3.6541528853610088;
const V = 0.00492867323399;
const X = new Float64Array(257);
const F = new Float64Array(257);
X[0] = V / Math.exp(-0.5 * R * R);
X[1] = R;
for (let i = 1; i < 256; i++) X[i + 1] = i === 255 ? 0 : Math.sqrt(-2 * Math.log(V / X[i] + Math.exp(-0.5 * X[i] * X[i])));
for (let i = 0; i <= 256; i++) F[i] = Math.exp(-0.5 * X[i] * X[i]);

export class Xoshiro128 {
  private s: Int32Array;
  constructor(seed: number, stream: number) {
    const st = { s: (seed ^ Math.imul(stream + 1, 0x27d4eb2d)) | 0 };
    splitmix32(st);
    st.s = (st.s ^ Math.imul(stream, 0x165667b1)) | 0;
    this.s = Int32Array.of(splitmix32(st), splitmix32(st), splitmix32(st), splitmix32(st));
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** The next 32 random bits as an unsigned integer. */
  next(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** A double in [0, 1) with 53 random bits. */
  uniform(): number {
    return ((this.next() >>> 5) * 67108864 + (this.next() >>> 6)) / 9007199254740992;
  }

  /** Fill `out` with uniform doubles in [lo, hi). State lives in locals in the hot loop. */
  fillUniform(out: Float64Array, lo: number, hi: number): void {
    const span = hi - lo;
    const st = this.s;
    let a = st[0];
    let b = st[1];
    let c = st[2];
    let d = st[3];
    for (let i = 0; i < out.length; i++) {
      let r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      let t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      const hiBits = r >>> 5;
      r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      out[i] = lo + span * ((hiBits * 67108864 + (r >>> 6)) / 9007199254740992);
    }
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
  }

  /** Fill `out` with normal draws of the given mean and standard deviation (ziggurat). */
  fillNormal(out: Float64Array, mean: number, std: number): void {
    const st = this.s;
    let a = st[0];
    let b = st[1];
    let c = st[2];
    let d = st[3];
    const n = out.length;
    let i = 0;
    while (i < n) {
      // 32 bits: layer (8), sign (1), high 23 bits of the position; then 32 more bits.
      let j = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      let t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      const lo = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      const layer = j & 255;
      const neg = (j & 256) !== 0;
      j >>>= 9;
      const x = (j * TWO_M23 + lo * TWO_M55) * X[layer];
      if (x < X[layer + 1]) {
        out[i++] = neg ? mean - std * x : mean + std * x;
        continue;
      }
      // Rare (about 1%): the wedge or the tail, drawn through the state array.
      st[0] = a;
      st[1] = b;
      st[2] = c;
      st[3] = d;
      const z = this.edge(layer, x);
      a = st[0];
      b = st[1];
      c = st[2];
      d = st[3];
      if (z >= 0) out[i++] = neg ? mean - std * z : mean + std * z;
    }
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
  }

  /** Outside the layer's inner rectangle: a tail draw for the base layer, else accept x or reject (-1). */
  private edge(layer: number, x: number): number {
    if (layer === 0) return this.tail();
    return this.uniform() * (F[layer + 1] - F[layer]) + F[layer] < Math.exp(-0.5 * x * x) ? x : -1;
  }

  /** A draw from the normal tail beyond R (Marsaglia's exponential method). */
  private tail(): number {
    for (;;) {
      const u = -Math.log(1 - this.uniform()) / R;
      const v = -Math.log(1 - this.uniform());
      if (2 * v >= u * u) return R + u;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A fresh 32-bit seed when the user gives none (fixed into the graph at build time). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x100000000) | 0;
}
