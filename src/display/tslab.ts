/**
 * The tslab kernel's display API, found without depending on tslab: the kernel puts
 * `__tslab__` on globalThis and its `require('tslab')` returns the kernel's own instance, the
 * one that knows the cell being run (another copy of tslab would have no cell to write to).
 */

/** What tsdask uses of tslab's `Display`. */
export interface NotebookDisplay {
  html(s: string): void;
  svg(s: string): void;
  text(s: string): void;
}

export interface NotebookApi {
  display: NotebookDisplay;
  /** A display entry that later calls overwrite in place (progress bars). */
  newDisplay(): NotebookDisplay;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

function isDisplay(x: unknown): x is NotebookDisplay {
  return isObject(x) && typeof x.html === 'function' && typeof x.svg === 'function' && typeof x.text === 'function';
}

function isApi(x: unknown): x is NotebookApi {
  return isObject(x) && isDisplay(x.display) && typeof x.newDisplay === 'function';
}

/** tslab's display API when this process is a tslab kernel, else undefined (terminals, REPL, tests). */
export function notebookApi(): NotebookApi | undefined {
  const kernel: unknown = Reflect.get(globalThis, '__tslab__');
  if (!isObject(kernel) || typeof kernel.require !== 'function') return undefined;
  try {
    const api: unknown = Reflect.apply(kernel.require, undefined, ['tslab']);
    return isApi(api) ? api : undefined;
  } catch {
    return undefined;
  }
}
