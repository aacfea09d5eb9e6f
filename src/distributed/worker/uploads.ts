/**
 * Module files clients upload (`client.uploadFile`): saved in the worker's directory, so tasks
 * can import them (a module-path function spec resolves to the uploaded copy).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Payload } from '../protocol/index.js';

export class Uploads {
  /** File name -> path of the saved copy. */
  readonly paths = new Map<string, string>();

  constructor(readonly dir: string) {}

  save(name: string, payload: Payload): void {
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') throw new Error(`upload name '${name}' must be a plain file name`);
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, name);
    const bytes = payload.frames[0] ?? new Uint8Array(0);
    writeFileSync(path, bytes);
    if (/\.(c|m)?tsx?$/.test(name)) ensureTypeScriptLoader();
    // A re-uploaded module must load fresh.
    if (existsSync(path)) delete require.cache[path];
    this.paths.set(name, path);
  }
}

let tsLoader = false;
/**
 * Uploaded TypeScript modules load from a temporary directory, where no TypeScript loader can
 * be found relative to the file: register one from this installation (tsx, else the
 * `typescript` compiler's transpileModule) so `require` of the upload works.
 */
function ensureTypeScriptLoader(): void {
  if (tsLoader || require.extensions['.ts'] !== undefined) return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: tsx may be absent, tried only when a .ts upload arrives
    (require('tsx/cjs/api') as { register(): void }).register();
    tsLoader = true;
    return;
  } catch {
    // no tsx here
  }
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional fallback: typescript may be absent, tried only without tsx
    loaded = require('typescript');
  } catch {
    loaded = undefined;
  }
  if (!isCompiler(loaded))
    throw new Error('uploaded a TypeScript module, but this worker has neither tsx nor typescript installed: npm install tsx (or upload the compiled .js)');
  const ts = loaded;
  const compile = (m: NodeJS.Module & { _compile(code: string, file: string): void }, file: string) => {
    const out = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: 9, esModuleInterop: true },
      fileName: file,
    });
    m._compile(out.outputText, file);
  };
  for (const ext of ['.ts', '.cts', '.mts', '.tsx']) (require.extensions as Record<string, unknown>)[ext] = compile;
  tsLoader = true;
}

interface Compiler {
  transpileModule(src: string, o: object): { outputText: string };
  ModuleKind: { CommonJS: number };
}

function isCompiler(x: unknown): x is Compiler {
  return typeof x === 'object' && x !== null && 'transpileModule' in x && typeof x.transpileModule === 'function' && 'ModuleKind' in x;
}
