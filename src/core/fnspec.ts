/**
 * How a function reaches another thread, process or host, in order of preference:
 * 1. a library kernel, by its registered name;
 * 2. an export of a module the worker can load (CommonJS modules found in `require.cache`,
 *    ESM modules that called `registerModule`), by path and export name;
 * 3. its source text, rebuilt on the worker and cached by hash. A function whose text cannot
 *    be rebuilt alone (it reads a variable of its module, or uses `import.meta` / `import()`)
 *    travels by module reference when an ES module exports it (found through the script that
 *    defined it, function-origin.ts); else it fails here, at submit time.
 * Workers load module references with `require()`, which loads ES modules too (Node >= 20.19),
 * from the uploaded copy when the client uploaded one (`useUploadedModule`).
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeSource, type SourceAnalysis, wrapSource, type SourceForm } from './freevars.js';
import { exportNameAt } from './esm-exports.js';
import { functionOrigin, scriptSource } from './function-origin.js';
import { getKernel, kernelName } from './kernels.js';
import type { TaskFn } from './graph.js';
import { tokenize } from './tokenize.js';

export type FnSpec =
  { kind: 'kernel'; name: string } | { kind: 'module'; path: string; exportName: string } | { kind: 'source'; hash: string; source: string; name: string };

/** A function that cannot be shipped: it closes over outer variables, or is native/bound. */
export class ClosureError extends Error {
  override name = 'ClosureError';
  constructor(
    message: string,
    /** The outer variables the function reads. */
    readonly freeVariables: readonly string[] = [],
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------
// Module index: which loaded module exports a given function.

interface ModuleExport {
  path: string;
  exportName: string;
}

const esmExports = new Map<TaskFn, ModuleExport>();
const cjsIndex = new Map<TaskFn, ModuleExport>();
const indexed = new Set<string>();

/**
 * Make an ES module's exported functions shippable by path:
 * `registerModule(import.meta.url, await import(import.meta.url))` at the end of the module,
 * or `registerModule(import.meta.url, { fn1, fn2 })`.
 */
export function registerModule(url: string, exports: Record<string, unknown>): void {
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  for (const name of Object.keys(exports)) {
    const v = exports[name];
    if (typeof v === 'function' && !esmExports.has(v as TaskFn)) esmExports.set(v as TaskFn, { path, exportName: name });
  }
}

/** The main script is never loaded by path on workers: that would run the user's program again. */
function isMainScript(filename: string): boolean {
  const main = require.main?.filename;
  return filename === main || filename === process.argv[1];
}

/**
 * The ES module export `fn` is, found from the script that defined it and the export that
 * names the function at its place in the source (esm-exports.ts). `mainScript` is set when
 * `fn` comes from the main script, which workers never load.
 */
function findEsmExport(fn: TaskFn): { exp?: ModuleExport; mainScript?: string } {
  const origin = functionOrigin(fn);
  if (origin === undefined || !origin.url.startsWith('file:')) return {};
  const path = fileURLToPath(new URL(origin.url).href.replace(/[?#].*$/, ''));
  if (isMainScript(path)) return { mainScript: path };
  if (!origin.isModule) return {};
  const source = scriptSource(origin.scriptId);
  const exportName = source === undefined ? undefined : exportNameAt(source, origin.line, origin.column);
  if (exportName === undefined) return {};
  const exp = { path, exportName };
  esmExports.set(fn, exp);
  return { exp };
}

function indexModule(id: string, mod: NodeJS.Module): void {
  const exp = mod.exports as unknown;
  const add = (fn: unknown, exportName: string) => {
    if (typeof fn === 'function' && !cjsIndex.has(fn as TaskFn)) cjsIndex.set(fn as TaskFn, { path: mod.filename ?? id, exportName });
  };
  add(exp, '');
  if (exp === null || (typeof exp !== 'object' && typeof exp !== 'function')) return;
  let names: string[];
  try {
    names = Object.keys(exp);
  } catch {
    return;
  }
  for (const name of names) {
    try {
      add((exp as Record<string, unknown>)[name], name);
    } catch {
      // a throwing getter: not shippable by this name
    }
  }
}

function findInRequireCache(fn: TaskFn): ModuleExport | undefined {
  const hit = cjsIndex.get(fn);
  if (hit !== undefined) return hit;
  const cache = require.cache;
  for (const id of Object.keys(cache)) {
    if (indexed.has(id)) continue;
    const mod = cache[id];
    // Half-loaded modules are indexed on a later call, once their exports are complete.
    if (mod === undefined || !mod.loaded) continue;
    indexed.add(id);
    if (isMainScript(mod.filename ?? id)) continue;
    indexModule(id, mod);
  }
  return cjsIndex.get(fn);
}

// ---------------------------------------------------------------------------------------
// Natives: built-ins such as Math.sqrt ship as the expression that names them.

const NATIVE_NAMESPACES = ['Math', 'JSON', 'Number', 'String', 'Object', 'Array', 'Reflect', 'Atomics', 'BigInt', 'Date', 'Promise', 'Symbol', 'Boolean'];
let nativeIndex: Map<TaskFn, string> | undefined;

function nativePath(fn: TaskFn): string | undefined {
  if (nativeIndex === undefined) {
    nativeIndex = new Map();
    const g = globalThis as unknown as Record<string, unknown>;
    for (const ns of NATIVE_NAMESPACES) {
      const obj = g[ns] as Record<string, unknown> | undefined;
      if (obj === undefined) continue;
      if (typeof obj === 'function') nativeIndex.set(obj as TaskFn, ns);
      for (const k of Object.getOwnPropertyNames(obj)) {
        let v: unknown;
        try {
          v = obj[k];
        } catch {
          continue;
        }
        if (typeof v === 'function' && !nativeIndex.has(v as TaskFn)) nativeIndex.set(v as TaskFn, `${ns}.${k}`);
      }
    }
    for (const k of ['parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI', 'structuredClone']) {
      const v = g[k];
      if (typeof v === 'function') nativeIndex.set(v as TaskFn, k);
    }
  }
  return nativeIndex.get(fn);
}

// ---------------------------------------------------------------------------------------
// describeFunction

const described = new WeakMap<TaskFn, FnSpec>();

function label(fn: TaskFn): string {
  return fn.name ? `function '${fn.name}'` : 'an anonymous function';
}

/** Names TypeScript (tsc/ts-node: `mod_1`) and esbuild (tsx: `import_mod`) give compiled imports. */
function looksLikeCompiledImport(name: string): boolean {
  return /^[A-Za-z_$][\w$]*_\d+$/.test(name) || /^import_[\w$]+$/.test(name);
}

function closureMessage(fn: TaskFn, free: readonly string[], where: string | undefined, text: string): string {
  const head = `cannot send ${label(fn)}${where ? ` (${where})` : ''} to a worker`;
  const imports = free.filter(looksLikeCompiledImport);
  const locals = free.filter((n) => !looksLikeCompiledImport(n));
  const lines: string[] = [];
  if (locals.length > 0) {
    const names = locals.map((n) => `'${n}'`).join(', ');
    const one = locals.length === 1;
    lines.push(
      `${head}: it reads ${names} from the surrounding scope.`,
      `Workers rebuild such a function from its source text, where ${one ? 'that variable does' : 'those variables do'} not exist.`,
      `Fix: pass ${one ? 'it as an argument' : 'them as arguments'} (delayed(fn)(x, ${locals[0]})), ` +
        `require()/import() ${one ? 'it' : 'them'} inside the function body, or export the function from a module so workers load it by path.`,
    );
  }
  for (const name of imports) {
    const used = [...new Set([...text.matchAll(new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\.([A-Za-z_$][\\w$]*)`, 'g'))].map((m) => m[1]))];
    const what = used.length > 0 ? used.map((u) => `'${u}'`).join(', ') : 'a name';
    const example = used[0] ?? 'fn';
    lines.push(
      `${lines.length === 0 ? `${head}: it` : 'It also'} uses ${what} imported from another module ` +
        `('${name}' is how TypeScript/ts-node ('mod_1.fn') or tsx ('import_mod.fn') compiles an import).`,
      `Fix: export this function from a module too (workers then load it by path), or import inside its body, ` +
        `e.g. \`const { ${example} } = require('./module')\`.`,
    );
  }
  return lines.join('\n');
}

/** What can travel to a worker: a function, or a class (by the same routes). */
export type ShippableFn = TaskFn | (abstract new (...args: never[]) => unknown);

/**
 * How `fn` travels to a worker. Throws ClosureError (naming `where`, e.g. the task key) when it
 * reads outer variables, or is a bound/native function that no expression names.
 */
export function describeFunction(fn: ShippableFn, where?: string): FnSpec {
  const f = fn as TaskFn; // a class is a function value too: every lookup below treats both alike
  const cached = described.get(f);
  if (cached !== undefined) return cached;
  let spec: FnSpec;
  const kname = kernelName(f);
  if (kname !== undefined) spec = { kind: 'kernel', name: kname };
  else {
    const exp = esmExports.get(f) ?? findInRequireCache(f);
    if (exp !== undefined) spec = { kind: 'module', path: exp.path, exportName: exp.exportName };
    else spec = describeSourceOrModule(f, where);
  }
  described.set(f, spec);
  return spec;
}

/** Text that needs the module it was written in: `import.meta`, or `import()` of a relative path. */
const NEEDS_MODULE = /\bimport\s*(\.\s*meta\b|\(\s*['"`]\.)/;

function describeSourceOrModule(fn: TaskFn, where: string | undefined): FnSpec {
  const text = Function.prototype.toString.call(fn);
  if (NEEDS_MODULE.test(text)) {
    const { exp } = findEsmExport(fn);
    if (exp !== undefined) return { kind: 'module', path: exp.path, exportName: exp.exportName };
  }
  try {
    return describeSource(fn, where);
  } catch (e) {
    if (!(e instanceof ClosureError)) throw e;
    const { exp, mainScript } = findEsmExport(fn);
    if (exp !== undefined) return { kind: 'module', path: exp.path, exportName: exp.exportName };
    if (mainScript === undefined) throw e;
    throw new ClosureError(
      `${e.message}\nIt is defined in the main script ${mainScript}, which workers never load (that would run the program again): ` +
        'move it (and what it uses) to a module of its own, export it from there and import it.',
      e.freeVariables,
    );
  }
}

function describeSource(fn: TaskFn, where: string | undefined): FnSpec {
  const text = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(text)) {
    const path = nativePath(fn);
    if (path !== undefined) return { kind: 'source', hash: tokenize('native', path), source: path, name: fn.name };
    throw new ClosureError(
      `cannot send ${fn.name.startsWith('bound ') ? 'bound' : 'native'} ${label(fn)}${where ? ` (${where})` : ''} to a worker: it has no source text. ` +
        `Fix: wrap it in a self-contained function, e.g. (x) => myObject.method(x) with myObject created or required inside, or export it from a module.`,
    );
  }
  const analysis = analyzeCached(text);
  if (analysis === undefined) {
    throw new ClosureError(
      `cannot send ${label(fn)}${where ? ` (${where})` : ''} to a worker: its source text does not parse as a function:\n${text.slice(0, 200)}`,
    );
  }
  if (analysis.free.length > 0) throw new ClosureError(closureMessage(fn, analysis.free, where, text), analysis.free);
  const source = analysis.form === 'method' ? `\0method:${text}` : text;
  return { kind: 'source', hash: analysis.hash, source, name: fn.name };
}

/**
 * Parse each distinct source text once: code that builds a fresh closure per call
 * (`delayed((x) => x + 1)` in a loop) creates many function objects with one text.
 */
const analyses = new Map<string, (SourceAnalysis & { hash: string }) | undefined>();
function analyzeCached(text: string): (SourceAnalysis & { hash: string }) | undefined {
  if (analyses.has(text)) return analyses.get(text);
  const a = analyzeSource(text);
  const out = a === undefined ? undefined : { ...a, hash: tokenize('source', a.form === 'method' ? `\0method:${text}` : text) };
  if (analyses.size >= 10_000) analyses.clear();
  analyses.set(text, out);
  return out;
}

// ---------------------------------------------------------------------------------------
// resolveFunction (worker side)

const resolved = new Map<string, TaskFn>();
let baseRequire: NodeRequire = createRequire(join(process.cwd(), '[tsdask-worker]'));
let baseFile = join(process.cwd(), '[tsdask-worker]');

/** Where `require()` inside shipped source resolves from (the user's script, on workers). */
export function setFunctionBase(filename: string): void {
  baseFile = filename;
  baseRequire = createRequire(filename);
}

/** esbuild's keepNames helper, which tsx inserts into function bodies. */
function defineNameHelper(): void {
  const g = globalThis as { __name?: unknown };
  if (typeof g.__name !== 'function') {
    Object.defineProperty(globalThis, '__name', {
      value: (target: object, value: string) => Object.defineProperty(target, 'name', { value, configurable: true }),
      configurable: true,
      writable: true,
    });
  }
}

const TS_EXT = /\.(c|m)?tsx?$/;

/** Module file name -> path of the copy a client uploaded to this worker (`client.uploadFile`). */
const uploadedModules = new Map<string, string>();

/**
 * Module references to a file named `name` load `path` from now on (an upload replaces the
 * client's path, which may not exist here). Functions resolved from an earlier copy are dropped.
 */
export function useUploadedModule(name: string, path: string): void {
  uploadedModules.set(name, path);
  for (const key of [...resolved.keys()]) {
    if (!key.startsWith('m:')) continue;
    const file = key.slice(2, key.lastIndexOf('#'));
    if (basename(file) === name) resolved.delete(key);
  }
}

/** Load a module by path; TypeScript files get a TypeScript loader (tsx, else ts-node) on demand. */
function loadModule(path: string): unknown {
  const req = createRequire(path);
  if (TS_EXT.test(path) && require.extensions['.ts'] === undefined) registerTypeScript(req);
  return req(path);
}

let tsRegistered = false;
function registerTypeScript(req: NodeRequire): void {
  if (tsRegistered) return;
  const tries: Array<() => void> = [
    () => (req('tsx/cjs/api') as { register(): void }).register(),
    () => (req('ts-node') as { register(o: object): void }).register({ transpileOnly: true }),
  ];
  for (const t of tries) {
    try {
      t();
      tsRegistered = true;
      return;
    } catch {
      // try the next loader
    }
  }
}

function build(spec: FnSpec): TaskFn {
  switch (spec.kind) {
    case 'kernel':
      return getKernel(spec.name);
    case 'module': {
      const path = uploadedModules.get(basename(spec.path)) ?? spec.path;
      const shown = path === spec.path ? spec.path : `${spec.path} (uploaded copy ${path})`;
      let mod: unknown;
      try {
        mod = loadModule(path);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        const fix =
          code === 'ERR_REQUIRE_ASYNC_MODULE'
            ? 'Workers load modules synchronously, which an ES module with top-level await does not allow: move the top-level await out of the module that exports task functions.'
            : 'The file must exist at the same path where the worker runs (on remote workers: client.uploadFile(path)).';
        throw new Error(`worker cannot load module ${shown} for function '${spec.exportName || '(module.exports)'}': ${(e as Error).message}. ${fix}`, {
          cause: e,
        });
      }
      const fn = spec.exportName === '' ? mod : (mod as Record<string, unknown>)[spec.exportName];
      if (typeof fn !== 'function') throw new Error(`module ${shown} has no exported function '${spec.exportName}' on the worker`);
      return fn as TaskFn;
    }
    case 'source': {
      defineNameHelper();
      const method = spec.source.startsWith('\0method:');
      const text = method ? spec.source.slice('\0method:'.length) : spec.source;
      const form: SourceForm = method ? 'method' : 'expression';
      const body = method
        ? `const o = ${wrapSource(text, form)}; const d = Object.getOwnPropertyDescriptor(o, Reflect.ownKeys(o)[0]); return d.value ?? d.get ?? d.set;`
        : `return ${wrapSource(text, form)};`;
      const mod = { exports: {} };
      // The module wrapper's names, so `require(...)` inside a shipped body works on workers.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- rebuilding a shipped function from its source text is what a 'source' spec means
      const make = new Function('require', 'module', 'exports', '__filename', '__dirname', body) as (...a: unknown[]) => TaskFn;
      return make(baseRequire, mod, mod.exports, baseFile, dirname(baseFile));
    }
  }
}

/** A short id naming the function a spec describes (cache and function-table key). */
export function specId(spec: FnSpec): string {
  switch (spec.kind) {
    case 'kernel':
      return `k:${spec.name}`;
    case 'module':
      return `m:${spec.path}#${spec.exportName}`;
    case 'source':
      return `s:${spec.hash}`;
  }
}

/** The function a spec names, built once per process. */
export function resolveFunction(spec: FnSpec): TaskFn {
  const key = specId(spec);
  let fn = resolved.get(key);
  if (fn === undefined) {
    fn = build(spec);
    resolved.set(key, fn);
  }
  return fn;
}
