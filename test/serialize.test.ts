import t from 'tap';
import { KeyRef } from '../src/core/graph.js';
import { decode, encode, type Frames, pack, registerType, SerializationError, transferables, unpack } from '../src/core/serialize.js';

const roundTrip = (v: unknown, viaPack = false): unknown => {
  const f = encode(v, 'test value');
  return decode(viaPack ? unpack(pack(f)) : f);
};

t.test('plain JSON takes the fast path and round-trips', async (t) => {
  const v = { a: 1, b: 'x', c: [true, null, { d: 2.5 }] };
  const f = encode(v);
  t.equal(f.header[0], 'J');
  t.same(f.frames, []);
  t.same(roundTrip(v), v);
  t.same(roundTrip(v, true), v);
});

t.test('rich values round-trip: Date, Map, Set, BigInt, undefined, special numbers', async (t) => {
  const v = {
    d: new Date(Date.UTC(2024, 1, 29, 12)),
    m: new Map<unknown, unknown>([
      ['k', 1],
      [2, new Set([3n])],
    ]),
    s: new Set(['a', 'b']),
    big: 12345678901234567890n,
    u: undefined,
    arr: [1, undefined, NaN, Infinity, -Infinity, -0],
    re: /ab+c/gi,
  };
  for (const viaPack of [false, true]) {
    const out = roundTrip(v, viaPack) as typeof v;
    t.ok(out.d instanceof Date);
    t.equal(out.d.getTime(), v.d.getTime());
    t.ok(out.m instanceof Map);
    t.equal(out.m.get('k'), 1);
    t.same([...(out.m.get(2) as Set<bigint>)], [3n]);
    t.same([...out.s], ['a', 'b']);
    t.equal(out.big, 12345678901234567890n);
    t.ok('u' in out);
    t.equal(out.u, undefined);
    t.equal(out.arr[1], undefined);
    t.ok(Number.isNaN(out.arr[2]));
    t.equal(out.arr[3], Infinity);
    t.equal(out.arr[4], -Infinity);
    t.ok(Object.is(out.arr[5], -0));
    t.equal(String(out.re), '/ab+c/gi');
  }
});

t.test('typed arrays travel as frames (views, not copies) and come back typed', async (t) => {
  const f64 = new Float64Array([1.5, -2, 3e300]);
  const i32 = new Int32Array([1, -2, 3]);
  const u8 = new Uint8Array([1, 2, 255]);
  const b64 = new BigInt64Array([-5n, 7n]);
  const buf = Buffer.from('hello');
  const ab = new Uint16Array([9, 8]).buffer;
  const v = { f64, i32, u8, b64, buf, ab, nested: [{ x: new Float32Array([0.5]) }] };
  const f = encode(v);
  t.equal(f.frames.length, 7);
  t.equal(f.frames[0].buffer, f64.buffer, 'a whole-buffer typed array is not copied');
  t.notMatch(f.header, /1\.5/, 'numbers of typed arrays are not in the header');
  for (const viaPack of [false, true]) {
    const out = (viaPack ? decode(unpack(pack(f))) : decode(f)) as typeof v;
    t.ok(out.f64 instanceof Float64Array);
    t.same([...out.f64], [...f64]);
    t.ok(out.i32 instanceof Int32Array);
    t.same([...out.i32], [1, -2, 3]);
    t.ok(out.u8 instanceof Uint8Array);
    t.same([...out.b64], [-5n, 7n]);
    t.ok(Buffer.isBuffer(out.buf));
    t.equal(out.buf.toString(), 'hello');
    t.ok(out.ab instanceof ArrayBuffer);
    t.same([...new Uint16Array(out.ab)], [9, 8]);
    t.ok(out.nested[0].x instanceof Float32Array);
  }
});

t.test('subarray views of a large buffer are sliced, unaligned frames still decode', async (t) => {
  const big = new Float64Array(10_000);
  big[5] = 42;
  const part = big.subarray(5, 7);
  const f = encode(part);
  t.equal(f.frames[0].byteLength, 16);
  t.not(f.frames[0].buffer, big.buffer, 'does not carry the whole 80 kB buffer');
  const out = decode(f) as Float64Array;
  t.same([...out], [42, 0]);
  // An unaligned packed buffer (e.g. read from a socket at an odd offset).
  const packed = pack(f);
  const odd = new Uint8Array(packed.byteLength + 3);
  odd.set(packed, 3);
  const again = decode(unpack(odd.subarray(3))) as Float64Array;
  t.same([...again], [42, 0]);
});

t.test('nested KeyRefs survive', async (t) => {
  const v = [new KeyRef('a-1'), { deep: [new KeyRef('b-2'), 3] }, new Map([['r', new KeyRef('c')]])];
  for (const viaPack of [false, true]) {
    const out = roundTrip(v, viaPack) as [KeyRef, { deep: [KeyRef, number] }, Map<string, KeyRef>];
    t.ok(out[0] instanceof KeyRef);
    t.equal(out[0].key, 'a-1');
    t.ok(out[1].deep[0] instanceof KeyRef);
    t.equal(out[1].deep[0].key, 'b-2');
    t.equal(out[2].get('r')!.key, 'c');
  }
});

t.test('shared references and cycles keep their shape', async (t) => {
  const shared = { n: 1 };
  const v: Record<string, unknown> = { a: shared, b: shared };
  const out = roundTrip(v, true) as Record<string, unknown>;
  t.equal(out.a, out.b, 'one object, not two copies');
});

class Matrix {
  constructor(
    readonly rows: number,
    readonly data: Float64Array,
  ) {}
}
registerType<Matrix>('test.Matrix', {
  test: (x): x is Matrix => x instanceof Matrix,
  toFrames: (m) => ({ meta: { rows: m.rows, when: new Date(0) }, buffers: [m.data] }),
  fromFrames: (meta, [bytes]) => {
    const m = meta as { rows: number; when: Date };
    if (!(m.when instanceof Date)) throw new Error('meta lost its Date');
    return new Matrix(m.rows, new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8));
  },
});

t.test('registered types travel as meta + frames', async (t) => {
  const m = new Matrix(2, new Float64Array([1, 2, 3, 4]));
  const f = encode({ m, list: [m] });
  t.equal(f.frames.length, 1, 'the shared instance is encoded once');
  t.notMatch(f.header, /"data"/);
  const out = decode(unpack(pack(f))) as { m: Matrix; list: Matrix[] };
  t.ok(out.m instanceof Matrix);
  t.equal(out.m.rows, 2);
  t.same([...out.m.data], [1, 2, 3, 4]);
  t.equal(out.list[0], out.m);
});

t.test('unserializable values fail naming what and the offending type and path', async (t) => {
  class Connection {}
  t.throws(() => encode({ a: [1, { conn: new Connection() }] }, "task 'load-1'"), {
    name: 'SerializationError',
    message: /task 'load-1'.*value\.a\[1\]\.conn is an instance of class Connection/s,
  });
  t.throws(() => encode({ s: Symbol('x') }, 'result of task t'), { message: /result of task t.*value\.s is a symbol/s });
  t.throws(() => encode(new Map([['k', new Connection()]]), 'x'), { message: /value\.get\("k"\) is an instance of class Connection/ });
  const err = (() => {
    try {
      encode(new Connection(), 'y');
    } catch (e) {
      return e;
    }
  })();
  t.ok(err instanceof SerializationError);
  t.match(String((err as Error).message), /registerType/);
});

t.test('functions inside values travel as specs', async (t) => {
  const f = encode({ fn: (x: number) => x * 3 }, 'args');
  const out = decode(unpack(pack(f))) as { fn: (x: number) => number };
  t.equal(out.fn(5), 15);
  t.throws(
    () => {
      const k = 2;
      encode([(x: number) => x * k], "task 'mul-1'");
    },
    { name: 'ClosureError', message: /task 'mul-1'.*'k'/s },
  );
});

t.test('transferables skip shared memory and partial views', async (t) => {
  const own = new Float64Array(4);
  const shared = new Float64Array(new SharedArrayBuffer(32));
  const f: Frames = encode({ own, shared });
  t.same(transferables(f), [own.buffer]);
  const out = decode(f) as { shared: Float64Array };
  t.equal(out.shared.buffer, shared.buffer, 'SharedArrayBuffer-backed arrays are shared, not copied');
});

t.test('unpack rejects garbage with a clear error', async (t) => {
  t.throws(() => unpack(new Uint8Array(3)), { message: /corrupt message/ });
  t.throws(() => unpack(new Uint8Array(32)), { message: /bad magic/ });
  const p = pack(encode(new Float64Array(8)));
  t.throws(() => unpack(p.subarray(0, p.byteLength - 16)), { message: /runs past the end/ });
  t.throws(() => decode({ header: 'X{}', frames: [] }), { message: /not a tsdask message header/ });
});
