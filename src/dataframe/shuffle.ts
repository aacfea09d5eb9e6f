/**
 * The graph-level shuffle. Every input partition is split into `nOut` pieces by one task;
 * one small task per (input, output) pair picks a piece out; output j combines piece j of
 * every input. It is only tasks, so it runs on every scheduler: on the distributed one the
 * pieces move worker to worker like any dependency, and a lost worker's pieces are
 * recomputed from lineage like any other result.
 *
 *   split-i  = split(part_i, ...splitArgs)            -> nOut pieces
 *   piece-i.j = pieces_i[j]                            (runs where split-i ran)
 *   out-j    = combine([piece-0.j, ..., piece-(n-1).j], ...combineArgs)
 */
import { type GraphLayer, StaticLayer } from '../core/collection.js';
import { type GraphNode, KeyRef, Task, type TaskFn } from '../core/graph.js';
import { DataFrame } from './dataframe.js';
import { type Built, isSingle, partKey, type Partitioned, tokenFor } from './graph.js';
import { concatPieces, getPiece, hashSplit } from './ops/shuffle.js';

export interface ShuffleSpec {
  /** Name shown in keys (`${name}-split-…`, `${name}-…#j`). */
  readonly name: string;
  readonly nOut: number;
  /** (partition, ...splitArgs) => nOut pieces. */
  readonly split: TaskFn;
  readonly splitArgs?: readonly unknown[];
  /** (pieces[], ...combineArgs) => output partition. */
  readonly combine: TaskFn;
  readonly combineArgs?: readonly unknown[];
}

export function shuffleLayer(input: Partitioned, spec: ShuffleSpec): Built {
  const { nOut } = spec;
  if (!Number.isInteger(nOut) || nOut < 1) throw new RangeError(`${spec.name}: the number of output partitions must be a positive integer, got ${nOut}`);
  const extra: GraphLayer[] = [];
  // Lazy single values among the arguments (sort boundaries) become references to their keys.
  const resolve = (args: readonly unknown[]) =>
    args.map((a) => {
      if (!isSingle(a)) return a;
      extra.push(a.layer);
      return new KeyRef(a.key);
    });
  const splitArgs = resolve(spec.splitArgs ?? []);
  const combineArgs = resolve(spec.combineArgs ?? []);
  const token = tokenFor(input.prefix, spec.split, spec.splitArgs ?? [], spec.combine, spec.combineArgs ?? [], nOut);
  const prefix = `${spec.name}-${token}`;
  const entries: Array<[string, GraphNode]> = [];
  const nIn = input.npartitions;
  for (let i = 0; i < nIn; i++) {
    entries.push([`${spec.name}-split-${token}#${i}`, new Task(spec.split, [new KeyRef(partKey(input.prefix, i)), ...splitArgs])]);
    for (let j = 0; j < nOut; j++) {
      entries.push([`${spec.name}-piece-${token}#${i}.${j}`, new Task(getPiece, [new KeyRef(`${spec.name}-split-${token}#${i}`), j])]);
    }
  }
  for (let j = 0; j < nOut; j++) {
    const pieces = Array.from({ length: nIn }, (_, i) => new KeyRef(`${spec.name}-piece-${token}#${i}.${j}`));
    entries.push([partKey(prefix, j), new Task(spec.combine, [pieces, ...combineArgs])]);
  }
  return { prefix, npartitions: nOut, layer: new StaticLayer(prefix, entries, [input.layer, ...extra]) };
}

/**
 * Repartition a frame by the hash of key columns: equal keys end up in the same output
 * partition (strings by value, numbers by value whatever their integer/float dtype).
 */
export function hashShuffle(df: DataFrame, on: readonly string[], nOut: number = df.npartitions, name = 'shuffle'): DataFrame {
  for (const c of on) if (!df.meta.has(c)) df.meta.col(c);
  if (on.length === 0) throw new TypeError(`${name}: give at least one column to shuffle on`);
  const b = shuffleLayer(df, { name, nOut, split: hashSplit, splitArgs: [[...on], nOut], combine: concatPieces });
  return new DataFrame(b.prefix, b.npartitions, df.meta, b.layer);
}
