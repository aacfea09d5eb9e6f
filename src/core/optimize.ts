/**
 * Graph optimization before execution: cull to what the requested keys need, then fuse
 * linear chains (a task whose only dependent has no other dependency) into one task, so
 * per-task overhead is paid once per chain.
 */
import { GraphError } from './order.js';
import { type FusedStep, type Graph, Task } from './graph.js';

/** Only the nodes reachable from `keys`. */
export function cull(graph: Graph, keys: readonly string[]): Graph {
  const out: Graph = new Map();
  const stack = [...keys];
  while (stack.length > 0) {
    const k = stack.pop()!;
    if (out.has(k)) continue;
    const node = graph.get(k);
    if (node === undefined) continue; // order() reports unknown keys with context
    out.set(k, node);
    if (node instanceof Task) for (const d of node.deps) if (!out.has(d)) stack.push(d);
  }
  return out;
}

/** Fuse linear chains; the fused task keeps the key of the chain's last task. */
export function fuse(graph: Graph, keys: readonly string[]): Graph {
  const keep = new Set(keys);
  const dependents = new Map<string, number>();
  for (const node of graph.values()) {
    if (node instanceof Task) for (const d of node.deps) dependents.set(d, (dependents.get(d) ?? 0) + 1);
  }
  const fusable = (n: unknown): n is Task => n instanceof Task && n.chain.length === 0;
  // Keys swallowed by their single dependent.
  const absorbed = new Set<string>();
  for (const node of graph.values()) {
    if (!fusable(node) || node.deps.length !== 1) continue;
    const dep = node.deps[0];
    if (fusable(graph.get(dep)) && !keep.has(dep) && dependents.get(dep) === 1) absorbed.add(dep);
  }
  if (absorbed.size === 0) return graph;
  const out: Graph = new Map();
  for (const [key, node] of graph) {
    if (absorbed.has(key)) continue;
    if (!fusable(node) || node.deps.length !== 1 || !absorbed.has(node.deps[0])) {
      out.set(key, node);
      continue;
    }
    const steps: FusedStep[] = [];
    let k = key;
    let t: Task = node;
    for (;;) {
      steps.push({ key: k, task: t });
      if (t.deps.length !== 1 || !absorbed.has(t.deps[0])) break;
      k = t.deps[0];
      t = graph.get(k) as Task;
    }
    if (t.deps.length === 1 && t.deps[0] === key) {
      throw new GraphError(`cycle in task graph: ${[...steps.map((x) => x.key), key].join(' -> ')}`);
    }
    steps.reverse(); // head first
    out.set(key, new Task(node.fn, node.args, steps[0].task.deps, steps));
  }
  return out;
}
