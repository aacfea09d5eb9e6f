/**
 * The tree reduction every collection builds (Bag, DataFrame, Array): one `chunk` task per
 * input key, then `combine` over `splitEvery` partials at a time, level by level, and one
 * `aggregate` task over the last level (at most `splitEvery` partials). It knows keys and
 * tasks only: callers name the keys and put their own arguments (KeyRefs included) in place.
 */
import { type GraphNode, KeyRef, Task, type TaskFn } from './graph.js';

export interface TreeReduction {
  /** (input, ...chunkArgs) => partial */
  readonly chunk: TaskFn;
  readonly chunkArgs?: readonly unknown[];
  /** (partials[], ...combineArgs) => partial */
  readonly combine: TaskFn;
  readonly combineArgs?: readonly unknown[];
  /** (partials[], ...aggregateArgs) => result */
  readonly aggregate: TaskFn;
  readonly aggregateArgs?: readonly unknown[];
}

/** How the tasks of one reduction are keyed. */
export interface TreeKeys {
  /** The chunk task of input i. */
  chunk(i: number): string;
  /** Combine task j at depth d (depth 0 combines chunks). */
  combine(depth: number, j: number): string;
  /** The final task. */
  readonly output: string;
}

/** Partials combined per task: `splitEvery`, at least 2 (default 8). */
export function splitOf(splitEvery: number | undefined): number {
  return Math.max(2, splitEvery ?? 8);
}

/** `name-chunk-token#i`, `name-combine-token#depth.j`, and the given output key. */
export function treeKeys(name: string, token: string, output: string): TreeKeys {
  return { chunk: (i) => `${name}-chunk-${token}#${i}`, combine: (d, j) => `${name}-combine-${token}#${d}.${j}`, output };
}

/** The nodes reducing `inputs` with `r`, `split` partials per combine, appended to `out`. */
export function treeReduceNodes(
  inputs: readonly string[],
  r: TreeReduction,
  split: number,
  keys: TreeKeys,
  out: Array<readonly [string, GraphNode]> = [],
): Array<readonly [string, GraphNode]> {
  const chunkArgs = r.chunkArgs ?? [];
  const combineArgs = r.combineArgs ?? [];
  let level: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const k = keys.chunk(i);
    out.push([k, new Task(r.chunk, [new KeyRef(inputs[i]), ...chunkArgs])]);
    level.push(k);
  }
  for (let depth = 0; level.length > split; depth++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += split) {
      const k = keys.combine(depth, next.length);
      out.push([k, new Task(r.combine, [level.slice(i, i + split).map((x) => new KeyRef(x)), ...combineArgs])]);
      next.push(k);
    }
    level = next;
  }
  out.push([keys.output, new Task(r.aggregate, [level.map((x) => new KeyRef(x)), ...(r.aggregateArgs ?? [])])]);
  return out;
}
