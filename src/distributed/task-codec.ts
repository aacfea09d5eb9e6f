/**
 * One task as it travels from client to scheduler to worker. The scheduler never decodes it.
 *
 * Functions travel once per connection as FnSpecs in a table (ids below), not inside every task:
 * 20,000 `inc` calls carry one copy of inc's source. KeyRefs that are whole arguments travel as
 * (position, key) pairs so that ordinary arguments stay on serialize's plain-JSON fast path.
 *
 * Spec header forms:  T<json [fnId, argsHeader, refs]>  a plain task (args frames follow)
 *                     D<data header>                    a DataNode's value
 *                     G<graph header>                   a fused chain (encodeGraph of one node)
 */
import { DataNode, type GraphNode, KeyRef, Task, type TaskFn } from '../core/graph.js';
import { decodeGraph, describeFunction, encodeGraph, type FnSpec } from '../core/functions.js';
import { specId as fnId } from '../core/fnspec.js';
import { decode, encode } from '../core/serialize.js';
import type { Payload } from './protocol/index.js';

export interface EncodedTask {
  spec: Payload;
  /** Function ids the task needs, and their specs (to add to the function table). */
  fns: [string, FnSpec][];
}

export function encodeTask(key: string, node: GraphNode): EncodedTask {
  if (node instanceof DataNode) {
    const f = encode(node.value, `data '${key}'`);
    return { spec: { header: `D${f.header}`, frames: f.frames }, fns: [] };
  }
  if (node.chain.length > 0) {
    const f = encodeGraph([[key, node]]);
    return { spec: { header: `G${f.header}`, frames: f.frames }, fns: [] };
  }
  const spec = describeFunction(node.fn, `task '${key}'`);
  const id = fnId(spec);
  let args: readonly unknown[] = node.args;
  let refs: [number, string][] | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof KeyRef) {
      if (refs === undefined) {
        refs = [];
        args = args.slice();
      }
      refs.push([i, a.key]);
      (args as unknown[])[i] = null;
    }
  }
  const f = encode(args, `arguments of task '${key}'`);
  const header = `T${JSON.stringify([id, f.header, refs ?? 0])}`;
  return { spec: { header, frames: f.frames }, fns: [[id, spec]] };
}

/** Rebuild a task; `fn(id)` resolves a function id from the table this process received. */
export function decodeTask(key: string, spec: Payload, fn: (id: string) => TaskFn): GraphNode {
  const kind = spec.header.charCodeAt(0);
  const rest = { header: spec.header.slice(1), frames: spec.frames };
  if (kind === 68 /* D */) return new DataNode(decode(rest));
  if (kind === 71 /* G */) {
    const g = decodeGraph(rest);
    const node = g.get(key) ?? g.values().next().value;
    if (node === undefined) throw new Error(`task '${key}' arrived as an empty graph`);
    return node;
  }
  if (kind !== 84 /* T */) throw new Error(`task '${key}' has an unknown encoding '${spec.header[0]}'`);
  const [id, argsHeader, refs] = JSON.parse(rest.header) as [string, string, [number, string][] | 0];
  const args = decode({ header: argsHeader, frames: spec.frames }) as unknown[];
  const deps: string[] = [];
  if (refs !== 0) {
    for (const [i, k] of refs) {
      args[i] = new KeyRef(k);
      if (!deps.includes(k)) deps.push(k);
    }
  }
  const task = new Task(fn(id), args);
  return task;
}
