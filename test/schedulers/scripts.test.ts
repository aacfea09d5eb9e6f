/**
 * Functions defined where users define them: a ts-node script, a tsx script, the Node REPL.
 * Each runs as a real separate process, the way a user starts it, and must exit on its own.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runAsUser } from '../helpers/user-process.js';

const root = resolve(__dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const script = join(__dirname, 'fixtures/user-script.ts');

const built = existsSync(join(root, 'dist/schedulers/local/entry.js'));

for (const runner of ['ts-node', 'tsx']) {
  for (const scheduler of ['threads', 'processes']) {
    for (const lib of ['src', 'dist']) {
      t.test(
        `${runner} script on ${scheduler}, library from ${lib}`,
        { skip: lib === 'dist' && !built ? 'dist/ not built (npm run build)' : false },
        async (t) => {
          const r = runAsUser(bin(runner), [script, scheduler, lib], { cwd: root, timeoutMs: 60_000 });
          t.equal(r.status, 0, r.stderr);
          t.match(r.stdout, /^RESULT \[2,9\]$/m, 'imported and script-local functions both ran');
          t.match(r.stdout, /^CLOSURE .*uses 'inc' imported from another module/m, 'closing over an import is explained');
          t.match(r.stdout, runner === 'ts-node' ? /'funcs_js_1'/ : /'import_funcs'/);
        },
      );
    }
  }
}

t.test('the Node REPL', async (t) => {
  const input = [
    `const { compute, delayed } = require(${JSON.stringify(join(root, 'src/index.ts'))});`,
    'function inc(x) { return x + 1; }',
    'const square = (x) => x * x;',
    // One line with top-level awaits: the REPL finishes it before it sees the end of input.
    "const th = await compute([delayed(inc)(1), delayed(square)(3)], { scheduler: 'threads', numWorkers: 2 }); " +
      "const pr = await compute([delayed(inc)(5), delayed(square)(4)], { scheduler: 'processes', numWorkers: 2 }); " +
      "console.log('THREADS', JSON.stringify(th), 'PROCESSES', JSON.stringify(pr));",
    '',
  ].join('\n');
  const r = runAsUser(process.execPath, ['-r', require.resolve('tsx/cjs'), '-i'], { cwd: root, input, timeoutMs: 60_000 });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /THREADS \[\[2,9\]\]/);
  t.match(r.stdout, /PROCESSES \[\[6,16\]\]/);
});

t.test('killing the parent with SIGKILL leaves no executor behind', async (t) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('TAP')));
  const parent = spawn(bin('tsx'), [join(__dirname, 'fixtures/parent.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const pids = await new Promise<number[]>((res, rej) => {
    let out = '';
    parent.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PIDS (\[.*\])/.exec(out);
      if (m) res(JSON.parse(m[1]) as number[]);
    });
    parent.on('exit', () => rej(new Error(`parent exited early: ${out}`)));
  });
  t.equal(pids.length, 2);
  // tsx runs the script in a child of its own: kill the whole chain's node processes by pid.
  const nodePid = await new Promise<number>((res) => {
    const ps = spawn('ps', ['-o', 'ppid=', '-p', String(pids[0])]);
    let o = '';
    ps.stdout.on('data', (d: Buffer) => (o += d.toString()));
    ps.on('exit', () => res(Number(o.trim())));
  });
  process.kill(nodePid, 'SIGKILL');
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.same(pids.filter(alive), [], 'executors exit although they were busy in a synchronous loop');
  parent.kill('SIGKILL');
});
