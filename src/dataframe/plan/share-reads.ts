/**
 * The plan-time half of projection. Projections of one CSV read are separate reads at build
 * time (each parses only its columns: plan/project.ts), so computing two column sets of one
 * readCsv together (`compute(a.sum(), b.mean())`) would open and parse every block once per
 * set. This rewrite of the planned graph gives each block one read task parsing the union of
 * the columns the computation needs, and turns every other read of that block into a select
 * of its columns from that one (keeping its key, so nothing downstream changes). A read
 * computed alone is left as it is.
 */
import { type Graph, KeyRef, Task } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import type { BlockSpec, ReadKind } from '../io/csv/options.js';
import { readCsvBlock } from '../ops/read-csv.js';
import { select } from '../ops/select.js';
import { csvMeta } from './read-csv.js';

interface Read {
  key: string;
  /** The block: path, start, end, file size. */
  block: [string, number, number, number];
  spec: BlockSpec;
}

function isBlockSpec(x: unknown): x is BlockSpec {
  return typeof x === 'object' && x !== null && 'kinds' in x && Array.isArray(x.kinds) && 'names' in x && Array.isArray(x.names);
}

/** A read task's arguments (path, start, end, size, spec: see plan/read-csv.ts). */
function readOf(key: string, args: readonly unknown[]): Read | undefined {
  const [path, start, end, size, spec] = args;
  if (typeof path !== 'string' || typeof start !== 'number' || typeof end !== 'number' || typeof size !== 'number' || !isBlockSpec(spec)) return undefined;
  return { key, block: [path, start, end, size], spec };
}

/** Read tasks of one block that differ only in the columns they parse (groups of two or more). */
function sharedBlocks(graph: Graph): Read[][] {
  const byBlock = new Map<string, Read[]>();
  for (const [key, node] of graph) {
    if (!(node instanceof Task) || node.fn !== readCsvBlock || node.chain.length > 0) continue;
    const read = readOf(key, node.args);
    if (read === undefined) continue;
    const id = read.block.join('\0');
    const group = byBlock.get(id);
    if (group === undefined) byBlock.set(id, [read]);
    else group.push(read);
  }
  const out: Read[][] = [];
  for (const reads of byBlock.values()) {
    if (reads.length < 2) continue;
    // Everything but the columns (separator, encoding, dtypes...) must agree.
    const bySpec = new Map<string, Read[]>();
    for (const r of reads) {
      const id = tokenize({ ...r.spec, kinds: null });
      const group = bySpec.get(id);
      if (group === undefined) bySpec.set(id, [r]);
      else group.push(r);
    }
    for (const group of bySpec.values()) if (group.length > 1) out.push(group);
  }
  return out;
}

/** The kinds reading every column any of `reads` parses, or undefined if two read a column as different dtypes. */
function unionKinds(reads: readonly Read[]): ReadKind[] | undefined {
  const out = [...reads[0].spec.kinds];
  for (const r of reads) {
    for (let i = 0; i < out.length; i++) {
      const k = r.spec.kinds[i];
      if (k === 'skip') continue;
      if (out[i] === 'skip') out[i] = k;
      else if (out[i] !== k) return undefined;
    }
  }
  return out;
}

export function shareReads(graph: Graph): Graph {
  let out: Graph | undefined;
  const names = new Map<BlockSpec, string[]>();
  const namesOf = (spec: BlockSpec, path: string) => {
    let n = names.get(spec);
    if (n === undefined) names.set(spec, (n = [...csvMeta(spec, path).names]));
    return n;
  };
  for (const reads of sharedBlocks(graph)) {
    const kinds = unionKinds(reads);
    if (kinds === undefined) continue;
    out ??= new Map(graph);
    const block = reads[0].block;
    // A read that already parses the union serves the others; else one more task does.
    let shared = reads.find((r) => r.spec.kinds.every((k, i) => k === kinds[i]))?.key;
    if (shared === undefined) {
      const spec: BlockSpec = { ...reads[0].spec, kinds };
      shared = `read-csv-${tokenize(block, spec)}`;
      out.set(shared, new Task(readCsvBlock, [...block, spec]));
    }
    for (const r of reads) {
      if (r.key !== shared) out.set(r.key, new Task(select, [new KeyRef(shared), namesOf(r.spec, block[0])]));
    }
  }
  return out ?? graph;
}
