/**
 * A lazy single value (the result of a reduction). Usable as an operand of series
 * operations (`s.lt(s.mean())`) and in scalar arithmetic (`a.div(b)`), all without computing.
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, StaticLayer } from '../core/collection.js';
import { compute, persist, visualize } from '../core/compute.js';
import { DataNode, KeyRef, Task } from '../core/graph.js';
import { kernel } from '../core/kernels.js';
import type { ComputeOptions, VisualizeOptions } from '../core/options.js';
import { TOKEN, tokenize } from '../core/tokenize.js';
import { SINGLE, type SingleKey } from './graph.js';

export type ScalarOp = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'pow' | 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne';

const num = (x: unknown): number => (x instanceof Date ? x.getTime() : x === null ? NaN : Number(x));

const scalarOp = kernel('dataframe.scalar.op', (a: unknown, b: unknown, op: ScalarOp): number | boolean => {
  const x = num(a);
  const y = num(b);
  switch (op) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
    case 'mod': return x % y;
    case 'pow': return x ** y;
    case 'gt': return x > y;
    case 'ge': return x >= y;
    case 'lt': return x < y;
    case 'le': return x <= y;
    case 'eq': return x === y;
    case 'ne': return x !== y;
  }
});

export class Scalar<T = unknown> implements SingleKey, Collection<T> {
  readonly [SINGLE] = true;
  constructor(
    readonly key: string,
    readonly layer: GraphLayer,
    /** A stand-in of the value's type for schema inference (0, '', a Date...). */
    readonly metaValue: unknown,
  ) {}

  get [COLLECTION](): CollectionImpl<T> {
    return {
      layer: () => this.layer,
      keys: () => this.key,
      finalize: (v) => v as T,
      rebuild: (data) => new Scalar<T>(this.key, new StaticLayer(`persisted-${this.key}`, [[this.key, new DataNode(data.get(this.key))]]), this.metaValue),
      defaultScheduler: 'threads',
    };
  }
  [TOKEN](): string {
    return this.key;
  }

  async compute(opts: ComputeOptions = {}): Promise<T> {
    const [v] = await compute(this, opts);
    return v as T;
  }
  async persist(opts: ComputeOptions = {}): Promise<Scalar<T>> {
    const [v] = await persist(this, opts);
    return v as Scalar<T>;
  }
  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }

  private op<R>(other: Scalar | number | Date, op: ScalarOp): Scalar<R> {
    const args: unknown[] = [new KeyRef(this.key), other instanceof Scalar ? new KeyRef(other.key) : other, op];
    const key = `${op}-${tokenize(this.key, other instanceof Scalar ? other.key : other, op)}`;
    const deps = other instanceof Scalar ? [this.layer, other.layer] : [this.layer];
    const isCmp = ['gt', 'ge', 'lt', 'le', 'eq', 'ne'].includes(op);
    return new Scalar<R>(key, new StaticLayer(key, [[key, new Task(scalarOp, args)]], deps), isCmp ? false : 0);
  }

  add(o: Scalar | number): Scalar<number> { return this.op(o, 'add'); }
  sub(o: Scalar | number): Scalar<number> { return this.op(o, 'sub'); }
  mul(o: Scalar | number): Scalar<number> { return this.op(o, 'mul'); }
  div(o: Scalar | number): Scalar<number> { return this.op(o, 'div'); }
  mod(o: Scalar | number): Scalar<number> { return this.op(o, 'mod'); }
  pow(o: Scalar | number): Scalar<number> { return this.op(o, 'pow'); }
  gt(o: Scalar | number | Date): Scalar<boolean> { return this.op(o, 'gt'); }
  ge(o: Scalar | number | Date): Scalar<boolean> { return this.op(o, 'ge'); }
  lt(o: Scalar | number | Date): Scalar<boolean> { return this.op(o, 'lt'); }
  le(o: Scalar | number | Date): Scalar<boolean> { return this.op(o, 'le'); }
  eq(o: Scalar | number | Date): Scalar<boolean> { return this.op(o, 'eq'); }
  ne(o: Scalar | number | Date): Scalar<boolean> { return this.op(o, 'ne'); }

  toString(): string {
    return `tsdask Scalar<${this.key}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
