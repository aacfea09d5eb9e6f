/** Arithmetic and comparison of lazy single values. */
import { StaticLayer } from '../../core/collection.js';
import { KeyRef, Task } from '../../core/graph.js';
import { tokenize } from '../../core/tokenize.js';
import { scalarOp as scalarOpKernel, type ScalarOp } from '../ops/scalar-op.js';
import { isSingle, type ScalarSpec, scalarSpec } from './spec.js';

export type { ScalarOp };

const COMPARISONS: ReadonlySet<ScalarOp> = new Set(['gt', 'ge', 'lt', 'le', 'eq', 'ne']);

/** `a op other`, where other is another lazy value or a constant. */
export function scalarOp(a: ScalarSpec, other: ScalarSpec | number | Date, op: ScalarOp): ScalarSpec {
  const lazy = isSingle(other);
  const args: unknown[] = [new KeyRef(a.key), lazy ? new KeyRef(other.key) : other, op];
  const key = `${op}-${tokenize(a.key, lazy ? other.key : other, op)}`;
  const deps = lazy ? [a.layer, other.layer] : [a.layer];
  return scalarSpec(key, new StaticLayer(key, [[key, new Task(scalarOpKernel, args)]], deps), COMPARISONS.has(op) ? false : 0);
}
