/**
 * The parts of the library (bag, dataframe, array, delayed): the kernel namespaces and
 * registered types each one defines, and how to load it. Core keeps only this table;
 * src/library.ts fills it with one explicit call per part. A process loads a part the first
 * time it meets one of its names, so executors start without loading every collection.
 * A part that fails to load fails every lookup of its names with that error.
 */

export interface LibraryPart {
  /** 'bag', 'dataframe', ...: named in errors. */
  readonly name: string;
  /** Kernel namespaces: kernel 'bag.map' belongs to the part that lists 'bag'. */
  readonly namespaces: readonly string[];
  /** Names of the types the part registers (serialize.ts registerType). */
  readonly types?: readonly string[];
  /**
   * The name of the part's type `x` belongs to, tested without loading the part: a value of a
   * library type may reach serialization before anything loaded its part (a danfo frame
   * built by user code in an executor).
   */
  detect?(x: object): string | undefined;
  /** Import the modules that register the part's kernels and types. Runs at most once. */
  load(): void;
}

/** A part could not be loaded: names the part, what needed it, and the original error (`cause`). */
export class LibraryLoadError extends Error {
  override name = 'LibraryLoadError';
  constructor(
    readonly part: string,
    /** What was looked up: "kernel 'dataframe.filter'", "registered type 'tsdask.frame'". */
    readonly needed: string,
    cause: unknown,
  ) {
    super(`cannot load library part '${part}' (needed for ${needed}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

interface PartState {
  readonly part: LibraryPart;
  status: 'declared' | 'loading' | 'loaded' | 'failed';
  error?: unknown;
}

const parts = new Map<string, PartState>();
const byNamespace = new Map<string, PartState>();
const byType = new Map<string, PartState>();

/** Declare a part. Its names may not be claimed by another part. */
export function registerPart(part: LibraryPart): void {
  if (parts.has(part.name)) throw new Error(`library part '${part.name}' is declared twice`);
  const state: PartState = { part, status: 'declared' };
  for (const ns of part.namespaces) {
    const other = byNamespace.get(ns);
    if (other !== undefined) throw new Error(`kernel namespace '${ns}' is claimed by library parts '${other.part.name}' and '${part.name}'`);
  }
  for (const type of part.types ?? []) {
    const other = byType.get(type);
    if (other !== undefined) throw new Error(`registered type '${type}' is claimed by library parts '${other.part.name}' and '${part.name}'`);
  }
  parts.set(part.name, state);
  for (const ns of part.namespaces) byNamespace.set(ns, state);
  for (const type of part.types ?? []) byType.set(type, state);
}

/** The namespace of a kernel name: what comes before the first dot. */
export function kernelNamespace(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

/** The part that defines kernel `name`, if one claims its namespace. */
export function partOfKernel(name: string): string | undefined {
  return byNamespace.get(kernelNamespace(name))?.part.name;
}

/** The part that registers type `name`, if one claims it. */
export function partOfType(name: string): string | undefined {
  return byType.get(name)?.part.name;
}

function ensureLoaded(state: PartState, needed: string): void {
  switch (state.status) {
    case 'loaded':
      return;
    case 'failed':
      throw new LibraryLoadError(state.part.name, needed, state.error);
    case 'loading':
      // A module of the part asking for one of its names while it loads: the caller reports it missing.
      return;
    case 'declared':
      state.status = 'loading';
      try {
        state.part.load();
      } catch (e) {
        state.status = 'failed';
        state.error = e;
        throw new LibraryLoadError(state.part.name, needed, e);
      }
      state.status = 'loaded';
  }
}

/** Load the part that defines kernel `name` (no-op if loaded or unclaimed). Throws LibraryLoadError. */
export function loadPartOfKernel(name: string): void {
  const state = byNamespace.get(kernelNamespace(name));
  if (state !== undefined) ensureLoaded(state, `kernel '${name}'`);
}

/** Load the part that registers type `name` (no-op if loaded or unclaimed). Throws LibraryLoadError. */
export function loadPartOfType(name: string): void {
  const state = byType.get(name);
  if (state !== undefined) ensureLoaded(state, `registered type '${name}'`);
}

/**
 * The type name a part not yet loaded claims for `x` (see `LibraryPart.detect`), after loading
 * that part so the type is registered. Throws LibraryLoadError if the part fails to load.
 */
export function detectPartType(x: object): string | undefined {
  for (const state of parts.values()) {
    if (state.status === 'loaded' || state.part.detect === undefined) continue;
    const name = state.part.detect(x);
    if (name === undefined) continue;
    ensureLoaded(state, `registered type '${name}'`);
    return name;
  }
  return undefined;
}

/** Names of the parts loaded in this process, sorted. */
export function loadedParts(): string[] {
  return [...parts.values()]
    .filter((s) => s.status === 'loaded')
    .map((s) => s.part.name)
    .sort();
}

/** Names of the parts declared in this process, sorted. */
export function declaredParts(): string[] {
  return [...parts.keys()].sort();
}

/** For "unknown name" errors: which parts this process has, and which of them it loaded. */
export function describeParts(): string {
  if (parts.size === 0) return 'this process declares no library parts (src/library.ts installLibrary() was not called)';
  const loaded = loadedParts();
  return `library parts loaded here: ${loaded.length > 0 ? loaded.join(', ') : 'none'} (declared: ${declaredParts().join(', ')})`;
}
