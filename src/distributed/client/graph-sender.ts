/**
 * Graphs leaving the client: tasks in the client's depth-first order, encoded once, each
 * function sent once per connection; big graphs in chunks (dependencies first). Arguments of
 * submit/map that are Futures or collections become key references.
 */
import { asDelayed } from '../../core/delayed.js';
import { DataNode, type Graph, type GraphNode, KeyRef, mapNested, Task } from '../../core/graph.js';
import { isCollection } from '../../core/collection.js';
import { getKernel } from '../../core/kernels.js';
import { order } from '../../core/order.js';
import { planCollections } from '../../core/plan.js';
import type { Connection } from '../connection.js';
import { type FunctionDef, type GraphTask, toScheduler, type UpdateGraph } from '../protocol/index.js';
import type { Resources } from '../resources.js';
import { encodeTask } from '../task-codec.js';
import { Future } from './future.js';

/** Tasks per update-graph message. */
const GRAPH_CHUNK = 20_000;

export interface SendOptions {
  /** Keys whose values the scheduler sends as soon as they are computed. */
  push?: readonly string[];
  /** Ask for a task-done message per task. */
  events?: boolean;
  retries?: number;
  /** Keys to order the graph from (default: the wanted keys). */
  orderKeys?: readonly string[];
  /** Worker resources the tasks hold while they run: all of them, or those in `resourceKeys`. */
  resources?: Resources | null;
  resourceKeys?: ReadonlySet<string>;
}

export class GraphSender {
  private readonly sentFns = new Set<string>();

  constructor(
    private readonly conn: Connection,
    /** Is this Future one of this client's? */
    private readonly owns: (f: Future) => boolean,
  ) {}

  /**
   * Replace Futures and collections inside arguments by key references; collect the graphs
   * of collections (planned as compute() plans them: culled and fused) and the Futures used.
   */
  args(x: unknown, graphs: Graph[], futures: Future[]): unknown {
    return mapNested(x, (v) => {
      if (v instanceof Future) {
        if (!this.owns(v)) throw new Error(`Future '${v.key}' belongs to another Client: gather it and pass its value instead`);
        futures.push(v);
        return new KeyRef(v.key);
      }
      if (isCollection(v)) {
        const d = asDelayed(v);
        graphs.push(planCollections([d]).graph);
        return new KeyRef(d.key);
      }
      return v;
    });
  }

  /**
   * Send tasks to the scheduler. Nodes that are DataNodes holding a Future of the same key
   * (persisted collections) are already on the cluster and are not sent.
   */
  send(graph: Graph, wants: readonly string[], opts: SendOptions): void {
    const res = opts.resources ?? null;
    const seq = order(graph, opts.orderKeys ?? wants, { external: true });
    let tasks: GraphTask[] = [];
    let fns: FunctionDef[] = [];
    // Ids whose specs ride in `fns` join `sentFns` only once their message is sent: a task that
    // fails to encode (a closure, an unsendable value) must leave the table as it was, or a
    // later graph would skip specs the scheduler never received.
    let fresh: string[] = [];
    let chunked = false;
    const sendChunk = (msg: UpdateGraph): void => {
      this.conn.send(msg);
      for (const id of fresh) this.sentFns.add(id);
      fresh = [];
    };
    try {
      for (let i = 0; i < seq.length; i++) {
        const key = seq[i];
        const node = graph.get(key);
        if (node === undefined || (node instanceof DataNode && node.value instanceof Future && node.value.key === key)) continue;
        const enc = encodeTask(key, aliasFuture(node));
        const ids: string[] = [];
        for (const [id, spec] of enc.fns) {
          ids.push(id);
          if (!this.sentFns.has(id) && !fresh.includes(id)) {
            fresh.push(id);
            fns.push({ id, spec });
          }
        }
        const deps = node instanceof Task ? node.deps : [];
        const resources = res !== null && (opts.resourceKeys === undefined || opts.resourceKeys.has(key)) ? res : undefined;
        tasks.push({
          key,
          deps,
          order: i,
          spec: this.conn.wire(enc.spec),
          functions: ids.length > 0 ? ids : null,
          retries: opts.retries !== undefined && opts.retries > 0 ? opts.retries : undefined,
          resources,
        });
        // Big graphs go in chunks (dependencies first) so the scheduler starts on them early
        // and never parses one giant message.
        if (tasks.length >= GRAPH_CHUNK && i < seq.length - 1) {
          sendChunk(toScheduler.updateGraph({ tasks, functions: fns, wants: [], push: [], events: opts.events === true, more: true }));
          this.conn.flush();
          chunked = true;
          tasks = [];
          fns = [];
        }
      }
    } catch (e) {
      // Chunks already sent wait for a last one: close the graph with nothing wanted, so the
      // scheduler drops what it received instead of holding it open.
      if (chunked) this.conn.send(toScheduler.updateGraph({ tasks: [], functions: [], wants: [], push: [], events: false, more: false }));
      throw e;
    }
    sendChunk(toScheduler.updateGraph({ tasks, functions: fns, wants, push: opts.push ?? [], events: opts.events === true, more: false }));
  }
}

/** A DataNode holding a Future under another key becomes an alias task of the Future's key. */
function aliasFuture(node: GraphNode): GraphNode {
  if (node instanceof DataNode && node.value instanceof Future) return new Task(getKernel('tsdask.identity'), [new KeyRef(node.value.key)]);
  return node;
}
