/** Expanding a parameter grid into parameter sets, in scikit-learn's ParameterGrid order. */
import type { ParamValue, Params } from './types.js';

export type ParamGrid = Readonly<Record<string, readonly ParamValue[]>>;

/**
 * Every combination of one grid (keys sorted, the last key varying fastest), or of each grid
 * of a list in turn.
 */
export function expandGrid(grid: ParamGrid | readonly ParamGrid[]): Params[] {
  const grids: readonly ParamGrid[] = Array.isArray(grid) ? grid : [grid as ParamGrid];
  const out: Params[] = [];
  grids.forEach((g, gi) => {
    const keys = Object.keys(g).sort();
    for (const k of keys) {
      const vals = g[k];
      if (!Array.isArray(vals) || vals.length === 0) {
        throw new TypeError(`paramGrid${grids.length > 1 ? `[${gi}]` : ''}.${k}: expected a non-empty array of values, got ${JSON.stringify(vals)}`);
      }
    }
    let sets: Array<Record<string, ParamValue>> = [{}];
    for (const k of keys) sets = sets.flatMap((s) => g[k].map((v) => ({ ...s, [k]: v })));
    out.push(...sets);
  });
  return out;
}
