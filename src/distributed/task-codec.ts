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
  // A copy of the arguments, made at the first whole-argument key reference.
  let args: unknown[] | undefined;
  let refs: [number, string][] | undefined;
  for (let i = 0; i < node.args.length; i++) {
    const a = node.args[i];
    if (a instanceof KeyRef) {
      args ??= node.args.slice();
      (refs ??= []).push([i, a.key]);
      args[i] = null;
    }
  }
  const f = encode(args ?? node.args, `arguments of task '${key}'`);
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
  const parsed: unknown = JSON.parse(rest.header);
  if (!isTaskHeader(parsed)) throw new Error(`task '${key}' has a malformed header (expected [function id, arguments header, key references])`);
  const [id, argsHeader, refs] = parsed;
  const args: unknown = decode({ header: argsHeader, frames: spec.frames });
  if (!Array.isArray(args)) throw new Error(`the arguments of task '${key}' did not decode to a list`);
  if (refs !== 0) for (const [i, k] of refs) args[i] = new KeyRef(k);
  return new Task(fn(id), args);
}

/** A plain task's header: function id, the arguments' header, and (position, key) of whole-argument key references (0: none). */
type TaskHeader = [id: string, argsHeader: string, refs: [number, string][] | 0];

function isTaskHeader(x: unknown): x is TaskHeader {
  if (!Array.isArray(x) || x.length !== 3) return false;
  const refs: unknown = x[2];
  return typeof x[0] === 'string' && typeof x[1] === 'string' && (refs === 0 || (Array.isArray(refs) && refs.every(isRef)));
}

function isRef(r: unknown): r is [number, string] {
  return Array.isArray(r) && r.length === 2 && typeof r[0] === 'number' && typeof r[1] === 'string';
}
