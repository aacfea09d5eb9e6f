/** A small `--flag value` / `--flag=value` / `--no-flag` parser for the cluster commands. */

export interface Spec {
  /** Flags that take a value. */
  values: readonly string[];
  /** Flags that are on/off. */
  booleans?: readonly string[];
  /** Flags that take a value and may be given more than once (kept in order). */
  lists?: readonly string[];
}

export interface Parsed {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
  /** Values of the `lists` flags, in the order given. */
  lists: Map<string, string[]>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[], spec: Spec, command: string): Parsed {
  const out: Parsed = { positional: [], values: new Map(), flags: new Set(), lists: new Map() };
  const bools = new Set(spec.booleans ?? []);
  const lists = new Set(spec.lists ?? []);
  const vals = new Set([...spec.values, ...lists]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (bools.has(name)) {
      out.flags.add(name);
      continue;
    }
    if (name.startsWith('no-') && (bools.has(name.slice(3)) || vals.has(name.slice(3)))) {
      out.flags.add(name);
      continue;
    }
    if (!vals.has(name)) {
      const known = [...vals, ...bools].map((n) => `--${n}`).join(', ');
      throw new UsageError(`tsdask ${command}: unknown option --${name} (known: ${known})`);
    }
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined) throw new UsageError(`tsdask ${command}: --${name} needs a value`);
    if (lists.has(name)) out.lists.set(name, [...(out.lists.get(name) ?? []), v]);
    else out.values.set(name, v);
  }
  return out;
}

export function intOption(p: Parsed, name: string, dflt: number, command: string): number {
  const v = p.values.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`tsdask ${command}: --${name} must be a non-negative integer, got '${v}'`);
  return n;
}
