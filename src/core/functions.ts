/**
 * Shipping functions and whole graphs to other processes and hosts. Functions travel as
 * FnSpecs (see fnspec.ts); task arguments and data through serialize.ts.
 */
import { DataNode, type FusedStep, type Graph, type GraphNode, Task, type TaskFn } from './graph.js';
import { describeFunction } from './fnspec.js';
import { decode, encode, type Frames, SerializationError } from './serialize.js';

export { ClosureError, describeFunction, registerModule, resolveFunction, setFunctionBase, useUploadedModule } from './fnspec.js';
export type { FnSpec } from './fnspec.js';

/** A node on the wire: ['t', fn, args, deps, chain] or ['d', value]. */
type WireStep = [string, TaskFn, readonly unknown[], readonly string[]];
type WireNode = ['t', TaskFn, readonly unknown[], readonly string[], WireStep[]] | ['d', unknown];

function toWire(key: string, node: GraphNode): WireNode {
  if (node instanceof DataNode) return ['d', node.value];
  // Describe here so a closure error names this task, not the whole graph.
  describeFunction(node.fn, `task '${key}'`);
  const chain: WireStep[] = node.chain.map((s) => {
    describeFunction(s.task.fn, `task '${s.key}'`);
    return [s.key, s.task.fn, s.task.args, s.task.deps];
  });
  return ['t', node.fn, node.args, node.deps, chain];
}

export function encodeGraph(graph: Graph | Iterable<[string, GraphNode]>): Frames {
  const keys: string[] = [];
  const nodes: WireNode[] = [];
  for (const [key, node] of graph) {
    keys.push(key);
    nodes.push(toWire(key, node));
  }
  try {
    return encode({ keys, nodes }, 'graph');
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    // Re-encode node by node to name the task holding the offending value.
    for (let i = 0; i < keys.length; i++) encode(nodes[i], `task '${keys[i]}'`);
    throw e;
  }
}

export function decodeGraph(f: Frames): Graph {
  const data = decode(f) as { keys?: string[]; nodes?: WireNode[] };
  if (!Array.isArray(data?.keys) || !Array.isArray(data.nodes) || data.keys.length !== data.nodes.length) {
    throw new SerializationError('decodeGraph: message is not an encoded graph');
  }
  const graph: Graph = new Map();
  data.keys.forEach((key, i) => {
    const n = data.nodes![i];
    if (n[0] === 'd') {
      graph.set(key, new DataNode(n[1]));
      return;
    }
    const [, fn, args, deps, chain] = n;
    const steps: FusedStep[] = chain.map(([k, f, a, d]) => ({ key: k, task: new Task(f, a, d) }));
    graph.set(key, new Task(fn, args, deps, steps));
  });
  return graph;
}
