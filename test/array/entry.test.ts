/** tsdask/array as users import it (built package, ESM and CommonJS), computing on worker threads. */
import t from 'tap';
import { join } from 'node:path';
import { runAsUser } from '../helpers/user-process.js';

const root = join(__dirname, '..', '..');

t.test("ESM and CommonJS 'tsdask/array' share one module; threads is the default", async (t) => {
  const script = `
    import { createRequire } from 'node:module';
    import * as da from 'tsdask/array';
    import { shutdownSchedulers } from 'tsdask';
    const cjs = createRequire(import.meta.url)('tsdask/array');
    const x = da.ones([15, 15], { chunks: [5, 5] });
    const seen = [];
    const total = await x.sum().item({ callbacks: [{ posttask: (e) => seen.push(e.worker) }] });
    const rs = await da.mean(da.random.normal(0, 1, { size: [100, 1000], chunks: [25, 1000], seed: 1 }), { axis: 1 }).compute();
    await shutdownSchedulers();
    console.log(JSON.stringify([total, rs.shape, rs.data.every((m) => Math.abs(m) < 0.2), da.Array === cjs.Array, seen.every((w) => w.startsWith('thread-'))]));`;
  const r = runAsUser(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
  t.equal(r.stderr, '');
  t.equal(r.stdout.trim(), '[225,[100],true,true,true]');
});
