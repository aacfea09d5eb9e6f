/**
 * Library kernels: functions shipped to threads, processes and remote workers by a registered
 * name, never by source. Every module defining kernels registers them when imported, so the
 * same name resolves to the same code wherever the library is loaded.
 */
import { KERNEL_NAME } from './tokenize.js';
import type { TaskFn } from './graph.js';

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

export function getKernel(name: string): TaskFn {
  const fn = registry.get(name);
  if (fn === undefined) {
    throw new Error(`unknown kernel '${name}': the worker loaded a different tsdask version, or the module defining it was not imported`);
  }
  return fn;
}
