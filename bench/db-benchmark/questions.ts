/**
 * db-benchmark's ten groupby questions, each written three ways: the tsdask API as a user
 * would write it, DuckDB SQL, and nodejs-polars (lazy over the loaded frame). Each answer is
 * reduced to a check, as db-benchmark does: its row count and the sum of each value column,
 * so answers of millions of rows compare without moving them around.
 */
import type pl from 'nodejs-polars';
import type { ComputeOptions } from 'tsdask';
import type * as dd from 'tsdask/dataframe';

export interface Check {
  rows: number;
  sums: Record<string, number>;
}

type Polars = typeof pl;
type PolarsFrame = ReturnType<Polars['DataFrame']>;

export interface Question {
  id: string;
  text: string;
  /** Value columns whose sums form the check (the keys are not summed). */
  values: string[];
  tsdask: (x: dd.DataFrame) => dd.DataFrame;
  sql: string;
  polars: (p: Polars, x: PolarsFrame) => PolarsFrame;
}

export const QUESTIONS: readonly Question[] = [
  {
    id: 'q1',
    text: 'sum v1 by id1',
    values: ['v1'],
    tsdask: (x) => x.groupby('id1').agg({ v1: 'sum' }),
    sql: 'SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1',
    polars: (p, x) => x.lazy().groupBy('id1').agg(p.col('v1').sum()).collectSync(),
  },
  {
    id: 'q2',
    text: 'sum v1 by id1:id2',
    values: ['v1'],
    tsdask: (x) => x.groupby(['id1', 'id2']).agg({ v1: 'sum' }),
    sql: 'SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2',
    polars: (p, x) => x.lazy().groupBy(['id1', 'id2']).agg(p.col('v1').sum()).collectSync(),
  },
  {
    id: 'q3',
    text: 'sum v1 mean v3 by id3',
    values: ['v1', 'v3'],
    tsdask: (x) => x.groupby('id3').agg({ v1: 'sum', v3: 'mean' }),
    sql: 'SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3',
    polars: (p, x) => x.lazy().groupBy('id3').agg(p.col('v1').sum(), p.col('v3').mean()).collectSync(),
  },
  {
    id: 'q4',
    text: 'mean v1:v3 by id4',
    values: ['v1', 'v2', 'v3'],
    tsdask: (x) => x.groupby('id4').agg({ v1: 'mean', v2: 'mean', v3: 'mean' }),
    sql: 'SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4',
    polars: (p, x) => x.lazy().groupBy('id4').agg(p.col('v1').mean(), p.col('v2').mean(), p.col('v3').mean()).collectSync(),
  },
  {
    id: 'q5',
    text: 'sum v1:v3 by id6',
    values: ['v1', 'v2', 'v3'],
    tsdask: (x) => x.groupby('id6').agg({ v1: 'sum', v2: 'sum', v3: 'sum' }),
    sql: 'SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6',
    polars: (p, x) => x.lazy().groupBy('id6').agg(p.col('v1').sum(), p.col('v2').sum(), p.col('v3').sum()).collectSync(),
  },
  {
    id: 'q6',
    text: 'median v3 sd v3 by id4 id5',
    values: ['median_v3', 'sd_v3'],
    tsdask: (x) => x.groupby(['id4', 'id5']).agg({ median_v3: { column: 'v3', agg: 'median' }, sd_v3: { column: 'v3', agg: 'std' } }),
    sql: 'SELECT id4, id5, median(v3) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5',
    polars: (p, x) => x.lazy().groupBy(['id4', 'id5']).agg(p.col('v3').median().alias('median_v3'), p.col('v3').std().alias('sd_v3')).collectSync(),
  },
  {
    id: 'q7',
    text: 'max v1 - min v2 by id3',
    values: ['range_v1_v2'],
    tsdask: (x) => {
      const g = x.groupby('id3').agg({ v1: 'max', v2: 'min' });
      return g.assign({ range_v1_v2: g.col('v1').sub(g.col('v2')) }).select(['id3', 'range_v1_v2']);
    },
    sql: 'SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3',
    polars: (p, x) =>
      x
        .lazy()
        .groupBy('id3')
        .agg(p.col('v1').max().minus(p.col('v2').min()).alias('range_v1_v2'))
        .collectSync(),
  },
  {
    id: 'q8',
    text: 'largest two v3 by id6',
    values: ['v3'],
    tsdask: (x) => x.groupby('id6').col('v3').nlargest(2),
    sql: 'SELECT id6, v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS r FROM x) WHERE r <= 2',
    polars: (_p, x) => x.lazy().select('id6', 'v3').sort('v3', true).groupBy('id6').head(2).collectSync(),
  },
  {
    id: 'q9',
    text: 'regression v1 v2 by id2 id4',
    values: ['r2'],
    tsdask: (x) => {
      const g = x.groupby(['id2', 'id4']).agg({ r2: { column: 'v1', agg: 'corr', other: 'v2' } });
      return g.assign({ r2: g.col('r2').pow(2) });
    },
    sql: 'SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4',
    polars: (p, x) => x.lazy().groupBy(['id2', 'id4']).agg(p.pearsonCorr('v1', 'v2').pow(2).alias('r2')).collectSync(),
  },
  {
    id: 'q10',
    text: 'sum v3 count by id1:id6',
    values: ['v3', 'count'],
    tsdask: (x) => x.groupby(['id1', 'id2', 'id3', 'id4', 'id5', 'id6']).agg({ v3: { column: 'v3', agg: 'sum' }, count: { column: 'v1', agg: 'count' } }),
    sql: 'SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6',
    polars: (p, x) => x.lazy().groupBy(['id1', 'id2', 'id3', 'id4', 'id5', 'id6']).agg(p.col('v3').sum(), p.col('v1').count().alias('count')).collectSync(),
  },
];

/** Sum of a column's numbers, skipping missing ones (NaN here, NULL in SQL). */
export function sumOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) s += values[i];
  return s;
}

/** A tsdask answer, computed columnar (computeFrame), as a check. */
export async function tsdaskCheck(q: Question, x: dd.DataFrame, opts: ComputeOptions): Promise<Check> {
  const f = await q.tsdask(x).computeFrame(opts);
  const sums: Record<string, number> = {};
  for (const c of q.values) sums[c] = sumOf(f.col(c).data);
  return { rows: f.length, sums };
}

/** Do two checks agree (row counts exactly, sums to 1e-9 relative: summation order differs)? */
export function sameCheck(a: Check, b: Check): string | undefined {
  if (a.rows !== b.rows) return `${a.rows} rows, reference ${b.rows}`;
  for (const [c, v] of Object.entries(b.sums)) {
    const got = a.sums[c];
    if (!(Math.abs(got - v) <= 1e-9 * Math.max(1, Math.abs(v)))) return `sum of ${c} ${got}, reference ${v}`;
  }
  return undefined;
}
