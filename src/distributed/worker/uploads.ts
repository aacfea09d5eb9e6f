/**
 * Module files clients upload (`client.uploadFile`): saved in the worker's directory, so tasks
 * can import them (a module-path function spec resolves to the uploaded copy, CommonJS or ES
 * module alike).
 */
import { parse } from 'acorn';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useUploadedModule } from '../../core/functions.js';
import type { Payload } from '../protocol/index.js';

export class Uploads {
  /** File name -> path of the saved copy. */
  readonly paths = new Map<string, string>();

  constructor(readonly dir: string) {}

  save(name: string, payload: Payload): void {
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.' || name === 'package.json')
      throw new Error(`upload name '${name}' must be a plain file name (and not package.json, which the worker writes itself)`);
    const bytes = payload.frames[0] ?? new Uint8Array(0);
    // ES modules (.mjs, and .js written as one, e.g. from a "type": "module" package) go to a
    // folder marked "type": "module", the rest to one marked "commonjs": each .js file loads
    // as what it is, whatever package.json holds the worker's directory.
    const dir = isEsModule(name, bytes) ? join(this.dir, 'esm') : this.dir;
    mkdirSync(dir, { recursive: true });
    const pkg = join(dir, 'package.json');
    if (!existsSync(pkg)) writeFileSync(pkg, dir === this.dir ? '{ "type": "commonjs" }\n' : '{ "type": "module" }\n');
    const path = join(dir, name);
    writeFileSync(path, bytes);
    if (/\.(c|m)?tsx?$/.test(name)) ensureTypeScriptLoader();
    // A re-uploaded module must load fresh.
    if (existsSync(path)) delete require.cache[path];
    this.paths.set(name, path);
    // Also for functions inside task arguments, resolved outside the worker's function table.
    useUploadedModule(name, path);
  }
}

/** An .mjs file, or a .js file that parses only as a module (import/export, top-level await). */
function isEsModule(name: string, bytes: Uint8Array): boolean {
  if (name.endsWith('.mjs')) return true;
  if (!name.endsWith('.js')) return false;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const parses = (sourceType: 'script' | 'module'): boolean => {
    try {
      parse(text, { ecmaVersion: 'latest', sourceType, allowHashBang: true });
      return true;
    } catch {
      return false;
    }
  };
  return !parses('script') && parses('module');
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
