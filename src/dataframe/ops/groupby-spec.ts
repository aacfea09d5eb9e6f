/** What a groupby computes: the outputs, the mergeable states they need, and checks against a schema. */
import { type Frame, isNumberLike } from '../frame.js';

export type AggName = 'sum' | 'mean' | 'count' | 'min' | 'max' | 'std' | 'var' | 'size' | 'nunique' | 'first' | 'last' | 'median' | 'corr';
export const AGG_NAMES: readonly AggName[] = ['sum', 'mean', 'count', 'min', 'max', 'std', 'var', 'size', 'nunique', 'first', 'last', 'median', 'corr'];

/** One output column: `fn` applied to `column` (ignored for size); corr pairs `column` with `other`. */
export interface AggOutput {
  readonly name: string;
  readonly column: string;
  readonly fn: AggName;
  /** corr only: the second column. */
  readonly other?: string;
}

export interface GroupSpec {
  readonly by: readonly string[];
  readonly outputs: readonly AggOutput[];
  /** Drop groups whose key is missing (pandas' default). */
  readonly dropna: boolean;
  /** Sort the result by the keys. */
  readonly sort: boolean;
  /** Delta degrees of freedom for std/var. */
  readonly ddof: number;
}

export type Partial = Frame[];

/** `c*` kinds: co-moment states of a column pair over the rows where both are present. */
export type StateKind = 'count' | 'sum' | 'm2' | 'min' | 'max' | 'first' | 'last' | 'size' | PairKind;
export type PairKind = 'cn' | 'cx' | 'cy' | 'cxx' | 'cyy' | 'cxy';
export const PAIR_KINDS: readonly PairKind[] = ['cn', 'cx', 'cy', 'cxx', 'cyy', 'cxy'];
export const isPairKind = (k: StateKind): k is PairKind => k.length >= 2 && k[0] === 'c' && k !== 'count';

/** The state column of a pair: both names, joined by a separator no CSV header holds. */
export const pairColumn = (x: string, y: string) => `${x}\u0004${y}`;
export const pairOf = (column: string): [string, string] => {
  const at = column.indexOf('\u0004');
  return [column.slice(0, at), column.slice(at + 1)];
};

const NEEDS: Record<Exclude<AggName, 'nunique' | 'median' | 'corr'>, StateKind[]> = {
  sum: ['sum'],
  mean: ['sum', 'count'],
  count: ['count'],
  min: ['min'],
  max: ['max'],
  std: ['sum', 'count', 'm2'],
  var: ['sum', 'count', 'm2'],
  size: ['size'],
  first: ['first'],
  last: ['last'],
};

export const stateName = (kind: StateKind, column: string) => `\u0001${kind}\u0001${column}`;

export interface State {
  kind: StateKind;
  column: string;
}

/** The distinct states the outputs need, in a fixed order. */
export function statesOf(spec: GroupSpec): State[] {
  const seen = new Set<string>();
  const out: State[] = [];
  for (const o of spec.outputs) {
    // Holistic: they need every value of a group, carried as (keys, value) rows instead.
    if (o.fn === 'nunique' || o.fn === 'median') continue;
    if (o.fn === 'corr') {
      for (const kind of PAIR_KINDS) {
        const column = pairColumn(o.column, o.other!);
        const name = stateName(kind, column);
        if (!seen.has(name)) {
          seen.add(name);
          out.push({ kind, column });
        }
      }
      continue;
    }
    for (const kind of NEEDS[o.fn]) {
      const column = kind === 'size' ? '' : o.column;
      const name = stateName(kind, column);
      if (!seen.has(name)) {
        seen.add(name);
        out.push({ kind, column });
      }
    }
  }
  return out;
}

export function nuniqueColumns(spec: GroupSpec): string[] {
  return [...new Set(spec.outputs.filter((o) => o.fn === 'nunique').map((o) => o.column))];
}

export function medianColumns(spec: GroupSpec): string[] {
  return [...new Set(spec.outputs.filter((o) => o.fn === 'median').map((o) => o.column))];
}

/** Check the spec against a schema; errors name the column and the aggregation. */
export function validateSpec(spec: GroupSpec, schema: Frame): void {
  for (const b of spec.by) if (!schema.has(b)) schema.col(b);
  const names = new Set<string>(spec.by);
  for (const o of spec.outputs) {
    if (names.has(o.name)) throw new TypeError(`groupby: two result columns would be named '${o.name}' (group keys come first); name the outputs apart`);
    names.add(o.name);
  }
  for (const o of spec.outputs) {
    if (!(AGG_NAMES as readonly string[]).includes(o.fn)) {
      throw new TypeError(`groupby: unknown aggregation '${o.fn}' for '${o.name}'; use one of ${AGG_NAMES.join(', ')}`);
    }
    if (o.fn === 'size') continue;
    const t = schema.col(o.column).dtype;
    if (o.fn === 'corr') {
      if (o.other === undefined)
        throw new TypeError(`groupby: corr of '${o.column}' needs a second column: g.col('${o.column}').corr('other') or { column, agg: 'corr', other }`);
      for (const c of [o.column, o.other]) {
        const ct = schema.col(c).dtype;
        if (!isNumberLike(ct)) throw new TypeError(`groupby: cannot correlate ${ct} column '${c}'; corr takes two numeric columns`);
      }
      continue;
    }
    const numeric = o.fn === 'sum' || o.fn === 'mean' || o.fn === 'std' || o.fn === 'var' || o.fn === 'median';
    if (numeric && !isNumberLike(t) && !(o.fn === 'mean' && t === 'datetime')) {
      throw new TypeError(
        `groupby: cannot take the ${o.fn} of ${t} column '${o.column}'; select numeric columns (g.select([...])) or use count/nunique/first/last/min/max`,
      );
    }
  }
}
