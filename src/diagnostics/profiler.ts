/**
 * A statistical profile of this thread: V8's sampling profiler through `node:inspector`, each
 * sample credited to the task group that ran when it was taken, as a call tree per group.
 * Task runs are recorded only while a profile is being taken (one boolean test otherwise).
 * Trees from several threads and workers are merged by `mergeProfiles`.
 */
import { Session } from 'node:inspector/promises';
import { keyName } from '../core/graph.js';

export interface ProfileNode {
  name: string;
  /** "file:line" of the function. */
  where: string;
  /** Samples in this frame or below. */
  count: number;
  children: ProfileNode[];
}

export interface ProfileData {
  /** Sampling interval in microseconds. */
  interval: number;
  /** Wall milliseconds covered. */
  duration: number;
  /** One tree per task group; samples taken while no task ran (the worker's own work) are under '(worker)'. */
  groups: Record<string, ProfileNode>;
  /** The workers that answered. */
  workers: readonly string[];
}

interface Run {
  group: string;
  start: number;
  stop: number;
}

let recording = 0;
const runs: Run[] = [];
let current: Run | undefined;
/** The task running now (kept even while not recording, so a profile started mid-task credits it). */
let runningKey: string | undefined;

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** A task starts on this thread (cheap when no profile is being taken). */
export function taskStarted(key: string): void {
  runningKey = key;
  if (recording === 0) return;
  current = { group: keyName(key), start: nowUs(), stop: Infinity };
  runs.push(current);
}

export function taskStopped(): void {
  runningKey = undefined;
  if (current !== undefined) current.stop = nowUs();
  current = undefined;
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const root = (name: string): ProfileNode => ({ name, where: '', count: 0, children: [] });

function child(parent: ProfileNode, name: string, where: string): ProfileNode {
  for (const c of parent.children) if (c.name === name && c.where === where) return c;
  const c: ProfileNode = { name, where, count: 0, children: [] };
  parent.children.push(c);
  return c;
}

/** Sample this thread for `durationMs` (interval in microseconds). */
export async function profileThread(durationMs: number, intervalUs = 1000): Promise<Record<string, ProfileNode>> {
  const session = new Session();
  session.connect();
  recording++;
  const from = nowUs();
  if (runningKey !== undefined && current === undefined) {
    current = { group: keyName(runningKey), start: from, stop: Infinity };
    runs.push(current);
  }
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    await new Promise((r) => setTimeout(r, durationMs));
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    return attribute(
      profile,
      runs.filter((r) => r.stop >= from),
    );
  } finally {
    recording--;
    if (recording === 0) runs.length = 0;
    session.disconnect();
  }
}

/** Credit each sample to the task run covering its time, then add its stack to that group's tree. */
export function attribute(profile: CpuProfile, taskRuns: readonly Run[]): Record<string, ProfileNode> {
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const groups: Record<string, ProfileNode> = {};
  const sorted = [...taskRuns].sort((a, b) => a.start - b.start);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  let r = 0;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    while (r < sorted.length && sorted[r].stop < t) r++;
    const run = r < sorted.length && sorted[r].start <= t ? sorted[r] : undefined;
    const stack: CpuProfileNode[] = [];
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (n !== undefined && n.callFrame.functionName !== '(root)') stack.push(n);
    }
    const top = stack[0]?.callFrame.functionName;
    const name = run?.group ?? '(worker)';
    // A sample in V8's own bookkeeping while no task ran is idle time, not user code.
    if (run === undefined && (top === '(program)' || top === '(idle)' || top === undefined)) continue;
    const tree = (groups[name] ??= root(name));
    tree.count++;
    let at = tree;
    for (let k = stack.length - 1; k >= 0; k--) {
      const f = stack[k].callFrame;
      at = child(at, f.functionName || '(anonymous)', f.url ? `${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}` : '');
      at.count++;
    }
  }
  return groups;
}

/** Add tree `b` into tree `a` (same root): counts summed, frames matched by name and place. */
function mergeInto(a: ProfileNode, b: ProfileNode): void {
  a.count += b.count;
  for (const c of b.children) mergeInto(child(a, c.name, c.where), c);
}

export function mergeProfiles(parts: readonly Record<string, ProfileNode>[]): Record<string, ProfileNode> {
  const out: Record<string, ProfileNode> = {};
  for (const p of parts) {
    for (const [g, tree] of Object.entries(p)) mergeInto((out[g] ??= root(g)), tree);
  }
  for (const tree of Object.values(out)) sortTree(tree);
  return out;
}

function sortTree(n: ProfileNode): void {
  n.children.sort((a, b) => b.count - a.count);
  for (const c of n.children) sortTree(c);
}
