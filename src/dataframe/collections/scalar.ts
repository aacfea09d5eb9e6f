/**
 * A lazy single value (the result of a reduction). Usable as an operand of series
 * operations (`s.lt(s.mean())`) and in scalar arithmetic (`a.div(b)`), all without computing.
 */
import { COLLECTION, type Collection, type CollectionImpl, type GraphLayer, StaticLayer } from '../../core/collection.js';
import { compute, persist, visualize } from '../../core/compute.js';
import { DataNode } from '../../core/graph.js';
import type { ComputeOptions, VisualizeOptions } from '../../core/options.js';
import { TOKEN } from '../../core/tokenize.js';
import { scalarOp, type ScalarOp } from '../plan/scalar.js';
import { shareReads } from '../plan/share-reads.js';
import { SINGLE, type ScalarSpec } from '../plan/spec.js';

export type { ScalarOp };

export class Scalar<T = unknown> implements ScalarSpec, Collection<T> {
  readonly [SINGLE] = true;
  constructor(
    readonly key: string,
    readonly layer: GraphLayer,
    /** A stand-in of the value's type for schema inference (0, '', a Date...). */
    readonly metaValue: unknown,
  ) {}

  /** The collection for a single-key spec (the class itself when it already is one). */
  static of<U>(spec: ScalarSpec): Scalar<U> {
    // A spec does not record its value type: U is the caller's word, for an existing Scalar as for a new one.
    return spec instanceof Scalar ? (spec as Scalar<U>) : new Scalar<U>(spec.key, spec.layer, spec.metaValue);
  }

  get [COLLECTION](): CollectionImpl<T> {
    return {
      layer: () => this.layer,
      keys: () => this.key,
      finalize: (v) => v as T,
      rebuild: (data) => new Scalar<T>(this.key, new StaticLayer(`persisted-${this.key}`, [[this.key, new DataNode(data.get(this.key))]]), this.metaValue),
      defaultScheduler: 'threads',
      // Column sets of one CSV read computed together share one read per block.
      optimize: shareReads,
    };
  }
  [TOKEN](): string {
    return this.key;
  }

  async compute(opts: ComputeOptions = {}): Promise<T> {
    const [v] = await compute(this, opts);
    return v;
  }
  async persist(opts: ComputeOptions = {}): Promise<Scalar<T>> {
    const [v] = await persist(this, opts);
    return v;
  }
  visualize(opts: VisualizeOptions = {}): Promise<string> {
    return visualize(this, opts);
  }

  private op<R>(other: Scalar | number | Date, op: ScalarOp): Scalar<R> {
    return Scalar.of<R>(scalarOp(this, other, op));
  }

  add(o: Scalar | number): Scalar<number> {
    return this.op(o, 'add');
  }
  sub(o: Scalar | number): Scalar<number> {
    return this.op(o, 'sub');
  }
  mul(o: Scalar | number): Scalar<number> {
    return this.op(o, 'mul');
  }
  div(o: Scalar | number): Scalar<number> {
    return this.op(o, 'div');
  }
  mod(o: Scalar | number): Scalar<number> {
    return this.op(o, 'mod');
  }
  pow(o: Scalar | number): Scalar<number> {
    return this.op(o, 'pow');
  }
  gt(o: Scalar | number | Date): Scalar<boolean> {
    return this.op(o, 'gt');
  }
  ge(o: Scalar | number | Date): Scalar<boolean> {
    return this.op(o, 'ge');
  }
  lt(o: Scalar | number | Date): Scalar<boolean> {
    return this.op(o, 'lt');
  }
  le(o: Scalar | number | Date): Scalar<boolean> {
    return this.op(o, 'le');
  }
  eq(o: Scalar | number | Date): Scalar<boolean> {
    return this.op(o, 'eq');
  }
  ne(o: Scalar | number | Date): Scalar<boolean> {
    return this.op(o, 'ne');
  }

  toString(): string {
    return `tsdask Scalar<${this.key}>`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
