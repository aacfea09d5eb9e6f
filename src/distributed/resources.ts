/**
 * Worker resources, as in Dask (`tsdask worker --resources GPU=2,MEM=10e9`): abstract amounts a
 * worker declares and a task may ask for (`submitWith({ resources: { GPU: 1 } }, fn)`). The
 * scheduler places such a task only on a worker whose free amounts cover it and holds them
 * until the task ends; the worker holds them too while the task runs. Amounts mean nothing
 * else here: nothing checks that a GPU exists.
 */

/** Resource name -> amount. Tasks only list amounts > 0. */
export type Resources = Readonly<Record<string, number>>;

const EXAMPLE = "NAME=AMOUNT pairs separated by commas or spaces, e.g. 'GPU=2,MEM=10e9' or 'GPU=2 MEM=10e9'";
const NAME = /^[A-Za-z_][\w.-]*$/;
/** Amounts are added and subtracted back; forgive the rounding of fractions such as 0.1. */
const EPSILON = 1e-9;

/** Parse `GPU=2,MEM=10e9` or `GPU=2 MEM=10e9`; throws naming the bad part and the expected form. */
export function parseResources(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(/[\s,]+/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = part.slice(0, Math.max(0, eq));
    const amount = eq < 0 ? '' : part.slice(eq + 1);
    if (eq < 0 || amount === '') throw new Error(`'${part}' has no amount; expected ${EXAMPLE}`);
    if (!NAME.test(name) || name === '__proto__')
      throw new Error(`'${name}' in '${part}' is not a resource name (letters, digits, _ . -); expected ${EXAMPLE}`);
    const n = Number(amount);
    if (!Number.isFinite(n) || n < 0) throw new Error(`the amount '${amount}' of ${name} is not a non-negative number; expected ${EXAMPLE}`);
    if (Object.hasOwn(out, name)) throw new Error(`${name} is given twice`);
    out[name] = n;
  }
  if (Object.keys(out).length === 0) throw new Error(`no resources in '${text}'; expected ${EXAMPLE}`);
  return out;
}

/**
 * Check amounts given in code or received on the wire: `{ GPU: 1 }` with finite, non-negative
 * numbers. Returns null for none (undefined, or only zero amounts), so "no constraint" is one
 * cheap check on hot paths.
 */
export function checkResources(value: unknown, what: string): Resources | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(`${what}: resources must be an object such as { GPU: 1 }, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  let out: Record<string, number> | null = null;
  for (const [name, n] of Object.entries(value)) {
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new TypeError(`${what}: resource ${name} must be a non-negative number, got ${String(n)}`);
    if (!NAME.test(name) || name === '__proto__') throw new TypeError(`${what}: '${name}' is not a resource name (letters, digits, _ . -)`);
    if (n > 0) (out ??= {})[name] = n;
  }
  return out;
}

/** Can `name` name a resource (letters, digits, _ . -; not `__proto__`)? */
export function isResourceName(name: string): boolean {
  return NAME.test(name) && name !== '__proto__';
}

/** Does `have` cover every amount in `need`? */
export function fits(have: Resources, need: Resources): boolean {
  for (const name in need) {
    const h = have[name];
    if (h === undefined || h < need[name] - EPSILON) return false;
  }
  return true;
}

export function take(free: Record<string, number>, need: Resources): void {
  for (const name in need) free[name] -= need[name];
}

export function give(free: Record<string, number>, need: Resources): void {
  for (const name in need) free[name] += need[name];
}

/** One string per distinct demand (`GPU=1,MEM=2`): tasks asking the same wait in one queue. */
export function resourceKey(need: Resources): string {
  return Object.keys(need)
    .sort()
    .map((n) => `${n}=${need[n]}`)
    .join(',');
}

/** `GPU=2, MEM=10e9` for logs. */
export function formatResources(r: Resources): string {
  return Object.entries(r)
    .map(([n, v]) => `${n}=${v}`)
    .join(', ');
}
