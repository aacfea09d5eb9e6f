/**
 * The synchronous scheduler: runs every task in the caller, one after another, in the static
 * depth-first order. Stack traces point straight into user code, which makes it the one to
 * debug with. Results are dropped as soon as no remaining task needs them.
 */
import { annotateTaskError } from '../core/errors.js';
import { type Graph, isThenable, runTask, Task } from '../core/graph.js';
import { order } from '../core/order.js';
import type { Collection } from '../core/collection.js';
import { fire, type PersistOptions, persistInProcess, type RunOptions, type Scheduler } from '../core/scheduler.js';

export class SyncScheduler implements Scheduler {
  readonly name = 'sync';

  persist<A extends readonly Collection[]>(collections: A, opts: PersistOptions): Promise<A> {
    return persistInProcess(this, collections, opts);
  }

  async run(graph: Graph, keys: readonly string[], { callbacks }: RunOptions): Promise<unknown[]> {
    const seq = order(graph, keys);
    const wanted = new Set(keys);
    const remaining = new Map<string, number>();
    for (const key of seq) {
      const node = graph.get(key);
      if (node instanceof Task) for (const d of node.deps) remaining.set(d, (remaining.get(d) ?? 0) + 1);
    }
    const results = new Map<string, unknown>();
    const get = (k: string): unknown => results.get(k);
    const observed = callbacks.length > 0;
    if (observed) fire(callbacks, 'start', graph, keys);
    let current = '';
    try {
      for (const key of seq) {
        const node = graph.get(key)!;
        if (!(node instanceof Task)) {
          results.set(key, node.value);
          continue;
        }
        current = key;
        const t0 = observed ? performance.now() : 0;
        if (observed) fire(callbacks, 'pretask', { key, worker: 'main' });
        let value = runTask(node, get);
        if (isThenable(value)) value = await value;
        results.set(key, value);
        if (observed) fire(callbacks, 'posttask', { key, worker: 'main', duration: performance.now() - t0 });
        for (const d of node.deps) {
          const left = remaining.get(d)! - 1;
          remaining.set(d, left);
          if (left === 0 && !wanted.has(d)) {
            results.delete(d);
            if (observed) fire(callbacks, 'release', d);
          }
        }
      }
    } catch (err) {
      const e = annotateTaskError(err, current);
      if (observed) fire(callbacks, 'finish', e);
      throw e;
    }
    if (observed) fire(callbacks, 'finish');
    return keys.map(get);
  }
}
