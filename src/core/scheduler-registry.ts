/**
 * Scheduler lookup by name. Local schedulers register a factory here; instances are created
 * lazily and reused (their pools persist across computes) until `shutdownSchedulers`. The name
 * 'distributed' is always known: it stands for the default Client (core/default-client.ts).
 */
import { currentDefaultClient } from './default-client.js';
import type { ManagedScheduler } from './scheduler.js';

const factories = new Map<string, () => ManagedScheduler>();
const instances = new Map<string, ManagedScheduler>();
const ALIASES: Record<string, string> = { synchronous: 'sync', single: 'sync', 'single-threaded': 'sync', threading: 'threads', multiprocessing: 'processes' };
const DISTRIBUTED = 'distributed';

export function registerScheduler(name: string, factory: () => ManagedScheduler): void {
  if (name === DISTRIBUTED) throw new Error("registerScheduler: 'distributed' is reserved for the default Client (connect one with Client.connect)");
  factories.set(name, factory);
}

/** Every name `getScheduler` accepts: the registered ones, 'distributed', and the aliases of registered ones. */
export function schedulerNames(): string[] {
  return [...factories.keys(), DISTRIBUTED, ...Object.keys(ALIASES).filter((a) => factories.has(ALIASES[a]))];
}

export function isSchedulerName(name: string): boolean {
  return name === DISTRIBUTED || factories.has(ALIASES[name] ?? name);
}

/** The names for an error message, built from the registry so a newly registered scheduler shows up too. */
export function describeSchedulerNames(): string {
  const aliases = Object.keys(ALIASES).filter((a) => factories.has(ALIASES[a]));
  const main = [...factories.keys(), `${DISTRIBUTED} (the connected Client)`].join(', ');
  return aliases.length === 0 ? main : `${main}, or an alias: ${aliases.map((a) => `${a} (= ${ALIASES[a]})`).join(', ')}`;
}

/** The scheduler of a name; 'distributed' is the default Client (the most recently connected open one). */
export function getScheduler(name: string): ManagedScheduler {
  const canonical = ALIASES[name] ?? name;
  if (canonical === DISTRIBUTED) {
    const client = currentDefaultClient();
    if (client === undefined) {
      throw new Error(
        "scheduler 'distributed' needs a connected Client: `await Client.connect(...)` first (a Client connected with { setAsDefault: false } is used only when passed itself as the scheduler)",
      );
    }
    return client.scheduler;
  }
  let s = instances.get(canonical);
  if (s !== undefined) return s;
  const factory = factories.get(canonical);
  if (factory === undefined) throw new Error(`unknown scheduler '${name}'; use one of ${describeSchedulerNames()}`);
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
