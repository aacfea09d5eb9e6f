/**
 * Static task order: a depth-first post-order from the requested keys. Running tasks in
 * this order finishes one branch before starting the next, so intermediates die young.
 * The walk also rejects cycles and references to keys the graph does not have.
 */
import type { Graph } from './graph.js';
import { Task } from './graph.js';

export class GraphError extends Error {
  override name = 'GraphError';
}

const WHITE = 0;
const GREY = 1;
const BLACK = 2;

export interface OrderOptions {
  /**
   * Dependencies missing from the graph already live elsewhere (a cluster's Futures): skip
   * them rather than fail, and order every task in the graph, not only what `keys` reach.
   */
  external?: boolean;
}

export function order(graph: Graph, keys: readonly string[], opts: OrderOptions = {}): string[] {
  const external = opts.external === true;
  const out: string[] = [];
  const color = new Map<string, number>();
  const stackKey: string[] = [];
  const stackIdx: number[] = [];
  const roots = external ? [...keys, ...graph.keys()] : keys;
  for (const root of roots) {
    if (!graph.has(root)) {
      if (external) continue;
      throw new GraphError(`unknown key '${root}': it is not in the graph being computed`);
    }
    if (color.get(root) === BLACK) continue;
    stackKey.push(root);
    stackIdx.push(0);
    color.set(root, GREY);
    while (stackKey.length > 0) {
      const top = stackKey.length - 1;
      const key = stackKey[top];
      const node = graph.get(key)!;
      const deps = node instanceof Task ? node.deps : [];
      const i = stackIdx[top];
      if (i < deps.length) {
        stackIdx[top] = i + 1;
        const d = deps[i];
        if (external && !graph.has(d)) continue;
        const c = color.get(d) ?? WHITE;
        if (c === BLACK) continue;
        if (c === GREY) {
          const cycle = stackKey.slice(stackKey.indexOf(d)).concat(d);
          throw new GraphError(`cycle in task graph: ${cycle.join(' -> ')}`);
        }
        if (!graph.has(d)) throw new GraphError(`task '${key}' depends on unknown key '${d}'`);
        color.set(d, GREY);
        stackKey.push(d);
        stackIdx.push(0);
      } else {
        color.set(key, BLACK);
        out.push(key);
        stackKey.pop();
        stackIdx.pop();
      }
    }
  }
  return out;
}
