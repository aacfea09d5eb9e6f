/**
 * tsdask/dataframe: lazy, partitioned DataFrames over columnar typed-array partitions, with
 * danfo.js objects at the edges.
 *
 *   import * as dd from 'tsdask/dataframe';
 *   const ddf = dd.readCsv('nycflights/*.csv', { dtype: { TailNum: 'string' } });
 *   await ddf.col('DepDelay').max().compute();
 */
import { registerLocalSchedulers } from '../schedulers/index.js';
import './ops/index.js';
import './register.js';

registerLocalSchedulers(); // this entry alone must be able to compute

export { readCsv } from './io/csv/read.js';
export type { ReadCsvOptions } from './io/csv/options.js';
export { CsvError } from './io/csv/errors.js';
export { fromDanfo, fromDelayed, concat, fromFrames } from './create.js';
export { toDatetime, toNumeric } from './convert.js';
export type { ToDatetimeOptions } from './convert.js';
export { DataFrame } from './dataframe.js';
export { merge } from './merge.js';
export type { How, MergeArgs, MergeOptions } from './merge.js';
export { GroupBy, SeriesGroupBy } from './groupby.js';
export type { AggName, AggSpec, GroupByOptions, NamedAgg } from './groupby.js';
export type { DistinctOptions, ValueCountsOptions } from './distinct.js';
export type { SortOptions } from './sort.js';
export type { AssignValue } from './dataframe.js';
export { Series, DatetimeAccessor, StringAccessor } from './series.js';
export type { SeriesOperand } from './series.js';
export { Scalar } from './scalar.js';
export { Frame, KeyError } from './frame.js';
export type { Cell, Column, DType, DTypeName } from './frame.js';
export { toDanfo, toDanfoSeries, fromDanfo as frameFromDanfo } from './danfo.js';
export type { DanfoDataFrame, DanfoSeries } from './danfo.js';
export { frameCodec } from './codec.js';
