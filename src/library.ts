/**
 * The library's table of contents: its parts, the kernel namespaces and types each defines,
 * and the modules that load it; and the local schedulers. Every process that resolves kernels
 * or decodes values calls `installLibrary()` once: the main process (src/index.ts), each
 * local executor (schedulers/local/entry.ts), each distributed worker process and task thread.
 *
 * Parts load on first use (the first kernel of their namespace or the first value of their
 * type), not at install: loading them all doubled the CPU time of an executor thread's start
 * (about 75 -> 150 ms measured). The requires below are the one place where the library
 * names its own modules by path.
 */
import { registerPart } from './core/parts.js';
import { registerLocalSchedulers } from './schedulers/index.js';
import { SHUFFLE_OUTPUT_TYPE } from './core/shuffle/output.js';
import { DANFO_TYPE, detectDanfo } from './dataframe/danfo-detect.js';

let installed = false;

/* eslint-disable @typescript-eslint/no-require-imports -- a part loads when a lookup needs it, and lookups are synchronous: require is the lazy import they can wait for */
export function installLibrary(): void {
  if (installed) return;
  installed = true;
  registerLocalSchedulers();
  registerPart({
    name: 'delayed',
    namespaces: ['tsdask'],
    load() {
      require('./core/delayed.js');
    },
  });
  registerPart({
    name: 'bag',
    namespaces: ['bag'],
    load() {
      require('./bag/index.js');
    },
  });
  registerPart({
    name: 'array',
    namespaces: ['array'],
    load() {
      require('./array/ops/index.js');
    },
  });
  registerPart({
    name: 'dataframe',
    namespaces: ['dataframe'],
    types: ['tsdask.frame', DANFO_TYPE, SHUFFLE_OUTPUT_TYPE],
    detect: detectDanfo,
    load() {
      require('./dataframe/ops/index.js');
      require('./dataframe/register.js');
    },
  });
}
/* eslint-enable @typescript-eslint/no-require-imports -- end of the lazy loaders */
