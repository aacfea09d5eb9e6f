import t from 'tap';
import { PassThrough } from 'node:stream';
import { compute, config, delayed, ProgressBar, progress } from '../../src/index.js';
import { add, inc } from '../helpers/funcs.js';

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  return { out, text: () => text };
}

t.test('registered bar draws on every compute and reaches 100%', async (t) => {
  const { out, text } = capture();
  const bar = new ProgressBar({ minimum: 0, out }).register();
  const slow = delayed(
    async (x: number) => {
      await new Promise((r) => setTimeout(r, 30));
      return x;
    },
    { name: 'slow' },
  );
  const [v] = await compute(delayed(add)(slow(1), slow(2)), { scheduler: 'sync' });
  bar.unregister();
  t.equal(v, 3);
  t.match(text(), /\[#{40}\] \| 100% Completed \|\s+\d+\.\ds\n$/);
  const before = text();
  await compute(delayed(inc)(1), { scheduler: 'sync' });
  t.equal(text(), before, 'unregistered bar stays silent');
});

t.test('progress() persists collections with a bar', async (t) => {
  const [p] = await config.with({ scheduler: 'sync' }, () => progress(delayed(inc)(1)));
  t.equal(Object.keys(p.graph()).length, 1);
  t.equal(await p.compute({ scheduler: 'sync' }), 2);
});

t.test('a failed compute leaves a partial bar', async (t) => {
  const { out, text } = capture();
  const bar = new ProgressBar({ minimum: 0, out });
  const bad = delayed(
    (x: number) => {
      if (x > 0) throw new Error('nope');
      return x;
    },
    { name: 'bad' },
  );
  await t.rejects(compute(delayed(add)(delayed(inc)(1), bad(1)), { scheduler: 'sync', callbacks: [bar] }), /nope/);
  t.notMatch(text(), /100%/);
});
