import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compute, config, delayed } from '../../src/index.js';
import type { Callbacks } from '../../src/index.js';

t.afterEach(() => config.reset());

t.test('set, with and get follow precedence', async (t) => {
  t.equal(config.get('numWorkers', 9), 9, 'fallback when unset');
  const restore = config.set({ scheduler: 'sync', numWorkers: 3 });
  t.equal(config.get('scheduler'), 'sync');
  await config.with({ numWorkers: 5 }, async () => {
    await new Promise((r) => setTimeout(r, 1));
    t.equal(config.get('numWorkers'), 5, 'scoped beats global, across awaits');
    t.equal(config.get('scheduler'), 'sync', 'unscoped keys fall through');
  });
  t.equal(config.get('numWorkers'), 3, 'scope restored');
  restore();
  t.equal(config.get('scheduler'), undefined);
});

t.test('concurrent scopes do not leak into each other', async (t) => {
  const seen: number[] = [];
  await Promise.all(
    [1, 2, 3].map((n) =>
      config.with({ numWorkers: n }, async () => {
        await new Promise((r) => setTimeout(r, 5 - n));
        seen.push(config.get<number>('numWorkers'));
      }),
    ),
  );
  t.same(seen.sort(), [1, 2, 3]);
});

t.test('per-call option beats scoped config', async (t) => {
  const used: string[] = [];
  const spy: Callbacks = { pretask: (e) => used.push(e.worker) };
  await config.with({ scheduler: 'processes' }, () => compute(delayed((x: number) => x)(1), { scheduler: 'sync', callbacks: [spy] }));
  t.same(used, ['main'], 'ran on sync, in the main thread');
});

t.test('bad values are clear errors', async (t) => {
  t.throws(
    () => config.set({ scheduler: 'thread' }),
    /unknown scheduler "thread"; use one of sync, threads, processes, distributed \(the connected Client\), or an alias: synchronous \(= sync\)/,
  );
  t.throws(() => config.set({ numWorkers: 0 }), /numWorkers must be a positive integer/);
});

const probe = `const { config } = require(${JSON.stringify(join(__dirname, '../../dist/index.js'))}); console.log(JSON.stringify([config.get('scheduler'), config.get('numWorkers')]));`;
function runProbe(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['-e', probe], {
    env: { ...process.env, TSDASK_SCHEDULER: '', TSDASK_NUM_WORKERS: '', TSDASK_CONFIG: '', ...env },
    encoding: 'utf8',
  });
  return { out: r.stdout.trim(), err: r.stderr };
}

t.test('environment variables and config files', async (t) => {
  t.equal(runProbe({ TSDASK_SCHEDULER: 'processes', TSDASK_NUM_WORKERS: '3' }).out, '["processes",3]');
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-config-'));
  const yaml = join(dir, 'tsdask.yaml');
  writeFileSync(yaml, 'scheduler: sync\nnumWorkers: 2\n');
  t.equal(runProbe({ TSDASK_CONFIG: yaml }).out, '["sync",2]');
  t.equal(runProbe({ TSDASK_CONFIG: yaml, TSDASK_SCHEDULER: 'threads' }).out, '["threads",2]', 'env var beats file');
  const json = join(dir, 'c.json');
  writeFileSync(json, '{"scheduler": "nope"}');
  t.match(runProbe({ TSDASK_CONFIG: json }).err, /config file .*c\.json: unknown scheduler "nope"/);
  writeFileSync(json, '{oops');
  t.match(runProbe({ TSDASK_CONFIG: json }).err, /c\.json: not valid JSON/);
});
