/**
 * The graph-level shuffle. It is only tasks, so it runs on every scheduler: on the
 * distributed one pieces move worker to worker like any dependency, and a lost worker's
 * pieces are recomputed from lineage like any other result.
 *
 * One stage (up to 32 x 32 partitions): each input is split into nOut pieces by one task; one
 * small task per (input, output) picks a piece out (so an output fetches only its pieces);
 * output j combines piece j of every input.
 *
 *   split-i   = split(part_i, ...splitArgs, nOut, 0)  -> nOut pieces
 *   piece-i.j = pieces_i[j]                             (runs where split-i ran)
 *   out-j     = combine([piece-0.j, ..., piece-(n-1).j], ...combineArgs)
 *
 * Staged (more partitions, when the spec can `resplit` and `merge`): partitions are numbered
 * with k digits in base b (b^k >= max(nIn, nOut), b <= 32). Stage s splits every partition b
 * ways by digit s of each row's target and gathers, for every partition number q, the pieces
 * from the b partitions that differ from q only in digit s. After k stages partition q holds
 * exactly the rows whose target is q: k * P * (b + 2) tasks instead of nIn * nOut, the same
 * plan as Dask's task-based shuffle.
 *
 * Disk (on the distributed scheduler, see shuffle/method.ts): one stage whatever the size.
 * Each split writes its nOut pieces to a file on its worker and returns only where they are;
 * output j reads piece j of every file, so memory holds one partition at a time, not a stage.
 *
 *   split-i = diskSplit(part_i, {split, nOut}, ...splitArgs)     -> ShuffleOutput (a file)
 *   out-j   = diskCombine([split-0, ..., split-(n-1)], {j, combine}, ...combineArgs)
 */
import { type GraphLayer, partKey, StaticLayer } from '../../core/collection.js';
import { type GraphNode, KeyRef, Task, type TaskFn } from '../../core/graph.js';
import { kernelName } from '../../core/kernels.js';
import type { Frame } from '../frame.js';
import { concatPieces, getPiece, hashSplit } from '../ops/shuffle.js';
import { diskCombine, diskSplit } from '../shuffle/kernels.js';
import { shuffleMethod } from '../shuffle/method.js';
import { tokenFor } from './blockwise.js';
import { type FrameSpec, frameSpec, isSingle, type Kind } from './spec.js';

export interface ShuffleSpec {
  /** Name shown in keys (`${name}-split-…`, `${name}-…#j`). */
  readonly name: string;
  readonly nOut: number;
  /** (partition, ...splitArgs, base, stage) => `base` pieces by digit `stage` of each row's target. */
  readonly split: TaskFn;
  readonly splitArgs?: readonly unknown[];
  /** Staged shuffles: the same split for what a stage produced (default: `split`). */
  readonly resplit?: TaskFn;
  /** Staged shuffles: (pieces[], ...mergeArgs) => what the next stage splits. Without it, one stage. */
  readonly merge?: TaskFn;
  readonly mergeArgs?: readonly unknown[];
  /** (pieces[], ...combineArgs) => output partition. */
  readonly combine: TaskFn;
  readonly combineArgs?: readonly unknown[];
  /** Largest all-to-all done in one stage (inputs x outputs; default 32 x 32). */
  readonly maxOneStage?: number;
}

/** Stages and base for P partitions: the fewest stages with base <= 32, base balanced. */
export function stagesFor(p: number, maxBase = 32): { stages: number; base: number } {
  const stages = Math.max(1, Math.ceil(Math.log(p) / Math.log(maxBase) - 1e-9));
  let base = Math.max(2, Math.ceil(p ** (1 / stages) - 1e-9));
  while (base ** stages < p) base++;
  return { stages, base };
}

/** The shuffle of `input` by `spec`: a spec of `kind` whose partitions have schema `meta`. */
export function shuffle<K extends Kind>(kind: K, input: FrameSpec, spec: ShuffleSpec, meta: Frame): FrameSpec<K> {
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
  const mergeArgs = resolve(spec.mergeArgs ?? []);
  const combineArgs = resolve(spec.combineArgs ?? []);
  const nIn = input.npartitions;
  const disk = shuffleMethod(nIn, nOut) === 'disk';
  const staged = !disk && spec.merge !== undefined && nIn * nOut > (spec.maxOneStage ?? 32 * 32);
  const method = disk ? 'disk' : staged;
  const token = tokenFor(input.prefix, spec.split, spec.splitArgs ?? [], spec.combine, spec.combineArgs ?? [], nOut, method);
  const prefix = `${spec.name}-${token}`;
  const entries: Array<[string, GraphNode]> = [];
  const layer = () => frameSpec(kind, prefix, nOut, meta, new StaticLayer(prefix, entries, [input.layer, ...extra]));

  if (disk) {
    const split = named(spec.split, spec.name, 'split');
    const combine = named(spec.combine, spec.name, 'combine');
    const splits: KeyRef[] = [];
    for (let i = 0; i < nIn; i++) {
      const key = `${spec.name}-disk-split-${token}#${i}`;
      entries.push([key, new Task(diskSplit, [new KeyRef(partKey(input.prefix, i)), { shuffle: prefix, key, index: i, split, nOut }, ...splitArgs])]);
      splits.push(new KeyRef(key));
    }
    for (let j = 0; j < nOut; j++) entries.push([partKey(prefix, j), new Task(diskCombine, [splits, { part: j, combine }, ...combineArgs])]);
    return layer();
  }

  if (!staged) {
    for (let i = 0; i < nIn; i++) {
      entries.push([`${spec.name}-split-${token}#${i}`, new Task(spec.split, [new KeyRef(partKey(input.prefix, i)), ...splitArgs, nOut, 0])]);
      for (let j = 0; j < nOut; j++) {
        entries.push([`${spec.name}-piece-${token}#${i}.${j}`, new Task(getPiece, [new KeyRef(`${spec.name}-split-${token}#${i}`), j])]);
      }
    }
    for (let j = 0; j < nOut; j++) {
      const pieces = Array.from({ length: nIn }, (_, i) => new KeyRef(`${spec.name}-piece-${token}#${i}.${j}`));
      entries.push([partKey(prefix, j), new Task(spec.combine, [pieces, ...combineArgs])]);
    }
    return layer();
  }

  const { stages, base } = stagesFor(Math.max(nIn, nOut));
  const size = base ** stages;
  // Current item per partition number (absent: no data can be there yet).
  let items = new Map<number, string>();
  for (let i = 0; i < nIn; i++) items.set(i, partKey(input.prefix, i));
  for (let s = 0; s < stages; s++) {
    const unit = base ** s;
    const split = s === 0 ? spec.split : (spec.resplit ?? spec.split);
    for (const [p, key] of items) {
      const sk = `${spec.name}-split${s}-${token}#${p}`;
      entries.push([sk, new Task(split, [new KeyRef(key), ...splitArgs, base, s])]);
      for (let d = 0; d < base; d++) entries.push([`${spec.name}-piece${s}-${token}#${p}.${d}`, new Task(getPiece, [new KeyRef(sk), d])]);
    }
    const last = s === stages - 1;
    const next = new Map<number, string>();
    for (let q = 0; q < (last ? nOut : size); q++) {
      const digit = Math.floor(q / unit) % base;
      const from: KeyRef[] = [];
      for (let d = 0; d < base; d++) {
        const p = q + (d - digit) * unit;
        if (items.has(p)) from.push(new KeyRef(`${spec.name}-piece${s}-${token}#${p}.${digit}`));
      }
      if (from.length === 0) continue;
      const key = last ? partKey(prefix, q) : `${spec.name}-merge${s}-${token}#${q}`;
      entries.push([key, last ? new Task(spec.combine, [from, ...combineArgs]) : new Task(spec.merge, [from, ...mergeArgs])]);
      next.set(q, key);
    }
    items = next;
  }
  for (let j = 0; j < nOut; j++) {
    if (!items.has(j)) throw new Error(`${spec.name}: staged shuffle left output ${j} without inputs (internal error)`);
  }
  return layer();
}

/** The registered name of a shuffle's kernel (the disk tasks name their kernels). */
function named(fn: TaskFn, shuffleName: string, role: string): string {
  const name = kernelName(fn);
  if (name === undefined) throw new TypeError(`${shuffleName}: the ${role} function must be a registered kernel (core/kernels.ts) for the disk shuffle`);
  return name;
}

/**
 * Repartition a frame by the hash of key columns: equal keys end up in the same output
 * partition (strings by value, numbers by value whatever their integer/float dtype).
 */
export function hashShuffle(df: FrameSpec<'frame'>, on: readonly string[], nOut: number = df.npartitions, name = 'shuffle'): FrameSpec<'frame'> {
  for (const c of on) if (!df.meta.has(c)) df.meta.col(c);
  if (on.length === 0) throw new TypeError(`${name}: give at least one column to shuffle on`);
  return shuffle('frame', df, { name, nOut, split: hashSplit, splitArgs: [[...on], nOut], merge: concatPieces, combine: concatPieces }, df.meta);
}
