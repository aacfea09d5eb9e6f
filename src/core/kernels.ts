/**
 * Library kernels: functions shipped to threads, processes and remote workers by a registered
 * name, never by source. Every module defining kernels registers them when imported; a
 * process that meets a name it does not have loads the library part declaring its namespace
 * (parts.ts), so the same name resolves to the same code wherever the library is installed.
 */
import { KERNEL_NAME } from './tokenize.js';
import type { TaskFn } from './graph.js';
import { describeParts, kernelNamespace, loadedParts, loadPartOfKernel, partOfKernel } from './parts.js';

const registry = new Map<string, TaskFn>();

/** Register `fn` under `name` and return it, tagged with that name. */
export function kernel<F extends TaskFn>(name: string, fn: F): F {
  const existing = registry.get(name);
  if (existing !== undefined && existing !== fn) {
    throw new Error(`kernel '${name}' is registered twice with different functions`);
  }
  Object.defineProperty(fn, KERNEL_NAME, { value: name });
  registry.set(name, fn);
  return fn;
}

export function kernelName(fn: TaskFn): string | undefined {
  return (fn as { [KERNEL_NAME]?: string })[KERNEL_NAME];
}

/** The kernel registered as `name`, loading its library part first if needed. */
export function getKernel(name: string): TaskFn {
  const fn = registry.get(name);
  if (fn !== undefined) return fn;
  loadPartOfKernel(name);
  const loaded = registry.get(name);
  if (loaded !== undefined) return loaded;
  throw new Error(`unknown kernel '${name}': ${whyUnknown(name)}; ${describeParts()}. Does this process run a different tsdask version?`);
}

function whyUnknown(name: string): string {
  const part = partOfKernel(name);
  if (part === undefined) return `no library part declares the namespace '${kernelNamespace(name)}'`;
  return loadedParts().includes(part) ? `library part '${part}' is loaded and does not define it` : `library part '${part}' is still loading`;
}

/** Every kernel name registered in this process, sorted. */
export function kernelNames(): string[] {
  return [...registry.keys()].sort();
}
