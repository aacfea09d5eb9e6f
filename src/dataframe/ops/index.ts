/**
 * Every DataFrame kernel; importing this module registers them all by name. Executors load the
 * dataframe kernels through this one module (never the lazy classes), so it must stay
 * complete: a kernel module missing here is a name a bare worker cannot resolve.
 */
export * from './arith.js';
export * from './astype.js';
export * from './columns.js';
export * from './compare.js';
export * from './concat.js';
export * from './filter.js';
export * from './isin.js';
export * from './logic.js';
export * from './missing.js';
export * from './select.js';
export * from './slice.js';
export * from './take.js';
export * from './anyall.js';
export * from './datetime.js';
export * from './nunique.js';
export * from './stats.js';
export * from './extremes.js';
export * from './strings.js';
export * from './quantile-hist.js';
export * from './sample.js';
export * from './split.js';
export * from './hash.js';
export * from './shuffle.js';
export * from './groupby.js';
export * from './merge.js';
export * from './sort.js';
export * from './value-counts.js';
export * from './unique.js';
export * from './nlargest.js';
export * from './distinct.js';
export * from './map.js';
export * from './identity.js';
export * from './length.js';
export * from './scalar-op.js';
export * from './groupby-series.js';
export * from './groupby-topn.js';
export * from './danfo.js';
export * from './read-csv.js';
export * from './write-csv.js';
export * from '../shuffle/kernels.js';
