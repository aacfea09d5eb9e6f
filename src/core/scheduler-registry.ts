/**
 * Scheduler lookup by name. Local schedulers register a factory here; instances are created
 * lazily and reused (their pools persist across computes) until `shutdownSchedulers`.
 */
import type { ManagedScheduler } from './scheduler.js';

const factories = new Map<string, () => ManagedScheduler>();
const instances = new Map<string, ManagedScheduler>();
const ALIASES: Record<string, string> = { synchronous: 'sync', single: 'sync', 'single-threaded': 'sync', threading: 'threads', multiprocessing: 'processes' };

export function registerScheduler(name: string, factory: () => ManagedScheduler): void {
  factories.set(name, factory);
}

export function getScheduler(name: string): ManagedScheduler {
  const canonical = ALIASES[name] ?? name;
  let s = instances.get(canonical);
  if (s !== undefined) return s;
  const factory = factories.get(canonical);
  if (factory === undefined) {
    if (canonical === 'distributed') {
      throw new Error("scheduler 'distributed' needs a connected Client: `await Client.connect(...)` first");
    }
    throw new Error(`unknown scheduler '${name}'; available: ${[...factories.keys()].join(', ')}`);
  }
  s = factory();
  instances.set(canonical, s);
  return s;
}

/** Close every local scheduler's pools (called on process exit too). */
export async function shutdownSchedulers(): Promise<void> {
  const all = [...instances.values()];
  instances.clear();
  const closing: Promise<void>[] = [];
  for (const s of all) if (s.close !== undefined) closing.push(s.close());
  await Promise.all(closing);
}
