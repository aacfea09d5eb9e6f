import t from 'tap';
import { decode, encode, pack, unpack } from '../../src/core/serialize.js';
import { fromFrames, toFrames } from '../../src/dataframe/codec.js';
import { fromDanfo, toDanfo, toDanfoSeries, danfoModule } from '../../src/dataframe/danfo.js';
import { castColumn, concatColumns, Frame, takeColumn } from '../../src/dataframe/frame.js';
import '../../src/dataframe/index.js';

const sample = () =>
  Frame.fromColumns({
    i: [1, 2, 3],
    f: [1.5, NaN, -2],
    s: ['x', null, 'x,"y"\n'],
    b: [true, false, null],
    d: [new Date(Date.UTC(2020, 0, 1)), null, new Date(Date.UTC(2021, 5, 2, 3))],
  });

t.test('dtypes are inferred from JS values; missing values per dtype', async (t) => {
  const f = sample();
  t.same(f.dtypes, ['int64', 'float64', 'string', 'bool', 'datetime']);
  t.same(f.col('s').data, Int32Array.from([0, -1, 1]), 'strings are dictionary codes, -1 for null');
  t.same(f.col('s').dict, ['x', 'x,"y"\n']);
  t.same(f.toRecords()[1], { i: 2, f: NaN, s: null, b: false, d: null });
  t.equal(f.toRecords()[2].b, null);
  t.throws(() => f.col('nope'), /column 'nope' not found; columns are: i, f, s, b, d/);
});

t.test('codec: binary frames round-trip, directly and through serialize (pack/unpack)', async (t) => {
  const f = sample();
  const { meta, buffers } = toFrames(f);
  t.equal(buffers.length, 6, 'one buffer per column plus the string dictionary');
  const back = fromFrames(
    JSON.parse(JSON.stringify(meta)),
    buffers.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
  );
  t.same(back.toRecords(), f.toRecords());
  const enc = encode({ part: f, n: 1 }, 'test');
  t.ok(enc.frames.length >= 6, 'columns travel as frames, not JSON');
  t.notOk(enc.header.includes('"x,'), 'no cell text in the header');
  const dec = decode(unpack(pack(enc))) as { part: Frame };
  t.ok(dec.part instanceof Frame);
  t.same(dec.part.toRecords(), f.toRecords());
  // strings containing NUL use offsets
  const nul = Frame.fromColumns({ s: ['a\u0000b', 'c'] });
  const r = decode(unpack(pack(encode(nul)))) as Frame;
  t.same(r.values('s'), ['a\u0000b', 'c']);
  // an index column travels too
  const withIndex = new Frame(['v'], [{ dtype: 'float64', data: Float64Array.of(1, 2) }], 2, { dtype: 'string', data: Int32Array.of(0, 1), dict: ['a', 'b'] });
  const ri = decode(encode(withIndex)) as Frame;
  t.same(ri.index?.dict, ['a', 'b']);
});

t.test('danfo at the edges: toDanfo / fromDanfo keep values and dtypes', async (t) => {
  const f = sample();
  const df = toDanfo(f);
  t.same(df.columns, ['i', 'f', 's', 'b', 'd']);
  t.same(df.column('s').values, ['x', null, 'x,"y"\n']);
  const back = fromDanfo(df);
  t.same(back.dtypes, f.dtypes);
  t.same(back.toRecords(), f.toRecords());
  const s = toDanfoSeries(new Frame(['f'], [f.col('f')], 3));
  t.same(s.values, [1.5, NaN, -2]);
  const dfd = danfoModule();
  const empty = toDanfo(f.empty());
  t.same(empty.shape, [0, 5]);
  t.ok(new dfd.DataFrame({ a: [1] }) instanceof dfd.DataFrame);
});

t.test('column helpers: take with -1 widens ints, concat merges dictionaries, cast', async (t) => {
  const f = sample();
  const taken = takeColumn(f.col('i'), [2, -1]);
  t.equal(taken.dtype, 'float64');
  t.same([...taken.data], [3, NaN]);
  const a = Frame.fromColumns({ s: ['a', 'b'] }).col('s');
  const b = Frame.fromColumns({ s: ['b', null, 'c'] }).col('s');
  const c = concatColumns([a, b]);
  t.same(c.dict, ['a', 'b', 'c']);
  t.same([...c.data], [0, 1, 1, -1, 2]);
  t.same([...castColumn(Frame.fromColumns({ s: ['1', '2.5', null] }).col('s'), 'float64').data], [1, 2.5, NaN]);
  t.throws(() => castColumn(Frame.fromColumns({ s: ['x'] }).col('s'), 'float64'), /cannot convert 'x' to float64/);
  t.throws(() => castColumn(f.col('f'), 'int64'), /fill missing values first/);
});
