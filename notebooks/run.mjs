#!/usr/bin/env node
/**
 * `npm run notebooks [-- --out DIR] [NAME...]`: execute the notebooks headless with Jupyter and
 * the tslab kernel, writing each executed copy and its HTML export to DIR (default
 * notebooks/output, ignored by git). The kernel is registered under DIR, pointing at this
 * checkout's tslab, so nothing outside the checkout is needed or changed. Generated data goes to
 * DIR/data unless TSDASK_NOTEBOOK_DATA says otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const python = process.env.TSDASK_PYTHON ?? '/usr/bin/python3';

function fail(message) {
  console.error(`npm run notebooks: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 ? args[outAt + 1] : join(here, 'output'));
const names = args.filter((a, i) => a !== '--out' && !(outAt >= 0 && i === outAt + 1));
const all = readdirSync(here)
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort();
const chosen = names.length === 0 ? all : names.map((n) => all.find((f) => f.startsWith(n)) ?? fail(`no notebook named ${n} (have ${all.join(', ')})`));

if (!existsSync(join(root, 'dist', 'index.js'))) fail('dist/ is missing: the notebooks import the built package, run `npm run build` first');
const probe = spawnSync(python, ['-c', 'import nbclient, nbconvert, jupyter_client'], { encoding: 'utf8' });
if (probe.status !== 0)
  fail(`${python} cannot import nbclient/nbconvert (apt-get install jupyter-notebook python3-nbconvert python3-nbclient): ${probe.stderr ?? probe.error}`);

// The kernelspec lives under the output folder, with the absolute path of this checkout's tslab.
const jupyterPrefix = join(out, 'jupyter');
const install = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'tslab', 'bin', 'tslab'),
    'install',
    `--python=${python}`,
    `--prefix=${jupyterPrefix}`,
    `--binary=${join(root, 'node_modules', '.bin', 'tslab')}`,
  ],
  { encoding: 'utf8' },
);
if (install.status !== 0) fail(`registering the tslab kernel failed:\n${install.stdout}${install.stderr}`);

const env = {
  ...process.env,
  JUPYTER_PATH: [join(jupyterPrefix, 'share', 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(':'),
  TSDASK_NOTEBOOK_DATA: process.env.TSDASK_NOTEBOOK_DATA ?? join(out, 'data'),
};
const timeout = process.env.TSDASK_NOTEBOOK_CELL_TIMEOUT ?? '300';
const run = spawnSync(python, [join(here, 'execute.py'), out, timeout, ...chosen.map((f) => join(here, f))], { env, stdio: 'inherit' });
process.exit(run.status ?? 1);
