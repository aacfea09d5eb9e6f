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

export { readCsv, fromDanfo, fromDelayed, concat, fromFrames, merge, toDatetime, toNumeric } from './functions.js';
export type { MergeArgs, ToDatetimeOptions } from './functions.js';
export type { ReadCsvOptions } from './io/csv/options.js';
export { CsvError } from './io/csv/errors.js';
export { DataFrame, Series, GroupBy, SeriesGroupBy, DatetimeAccessor, StringAccessor } from './collections/index.js';
export type { AssignValue, SeriesOperand } from './collections/index.js';
export type { How, MergeOptions } from './plan/merge.js';
export type { AggName, AggSpec, GroupByOptions, NamedAgg } from './plan/groupby.js';
export type { DistinctOptions, ValueCountsOptions } from './plan/distinct.js';
export type { SortOptions } from './plan/sort.js';
export type { StrTestOptions } from './ops/strings.js';
export { Scalar } from './collections/index.js';
export { Frame, KeyError } from './frame.js';
export type { Cell, Column, DType, DTypeLabel, DTypeName } from './frame.js';
export { toDanfo, toDanfoSeries, fromDanfo as frameFromDanfo } from './danfo.js';
export type { DanfoDataFrame, DanfoSeries } from './danfo.js';
export { frameCodec } from './codec.js';
