/**
 * Depth-first post-order of the tasks a client submits (like core/order.ts), tolerating
 * dependencies that are not in the graph: those already live on the cluster (Futures).
 */
import { type Graph, Task } from '../core/graph.js';
import { GraphError } from '../core/order.js';

export function submissionOrder(graph: Graph, keys: readonly string[]): string[] {
  const out: string[] = [];
  const state = new Map<string, 1 | 2>();
  const stackKey: string[] = [];
  const stackIdx: number[] = [];
  const roots = [...keys, ...graph.keys()];
  for (const root of roots) {
    if (!graph.has(root) || state.get(root) === 2) continue;
    stackKey.push(root);
    stackIdx.push(0);
    state.set(root, 1);
    while (stackKey.length > 0) {
      const top = stackKey.length - 1;
      const key = stackKey[top];
      const node = graph.get(key)!;
      const deps = node instanceof Task ? node.deps : [];
      const i = stackIdx[top];
      if (i < deps.length) {
        stackIdx[top] = i + 1;
        const d = deps[i];
        if (!graph.has(d)) continue;
        const s = state.get(d);
        if (s === 2) continue;
        if (s === 1) throw new GraphError(`cycle in task graph: ${stackKey.slice(stackKey.indexOf(d)).concat(d).join(' -> ')}`);
        state.set(d, 1);
        stackKey.push(d);
        stackIdx.push(0);
      } else {
        state.set(key, 2);
        out.push(key);
        stackKey.pop();
        stackIdx.pop();
      }
    }
  }
  return out;
}
