/**
 * The lazy collections of tsdask/dataframe. DataFrame, Series and GroupBy return one another;
 * each lives in its own module, layered series -> dataframe -> groupby so that no import
 * closes a cycle. The methods that point up a layer (Series.toFrame, DataFrame.groupby) are
 * added by the module above, so import the classes from here, which loads every layer.
 * wrapFrame and wrapSeries are the one place a spec becomes a collection (lazy single values
 * through `Scalar.of`).
 */
export { type AssignValue, DataFrame, wrapFrame } from './dataframe.js';
export { GroupBy, SeriesGroupBy } from './groupby.js';
export { DatetimeAccessor, type SeriesOperand, Series, StringAccessor, wrapSeries } from './series.js';
export { Scalar } from './scalar.js';
