/** tsdask/bag as users import it (built package, ESM and CommonJS), computing on worker processes. */
import t from 'tap';
import { join } from 'node:path';
import { runAsUser } from '../helpers/user-process.js';

const root = join(__dirname, '..', '..');

t.test("ESM and CommonJS 'tsdask/bag' share one module; processes is the default", async (t) => {
  const script = `
    import { createRequire } from 'node:module';
    import * as db from 'tsdask/bag';
    import { shutdownSchedulers } from 'tsdask';
    const cjs = createRequire(import.meta.url)('tsdask/bag');
    const b = db.fromSequence(['a b', 'b c', 'c c'], { npartitions: 3 });
    const freq = await b.map((l) => l.split(' ')).flatten().frequencies({ sort: true }).compute();
    const seen = [];
    const n = await b.count().compute({ callbacks: [{ posttask: (e) => seen.push(e.worker) }] });
    await shutdownSchedulers();
    console.log(JSON.stringify([freq, n, db.Bag === cjs.Bag, seen.every((w) => w.startsWith('process-'))]));`;
  const r = runAsUser(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
  t.equal(r.stderr, '');
  t.equal(r.stdout.trim(), '[[["c",3],["b",2],["a",1]],3,true,true]');
});
