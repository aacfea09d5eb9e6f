/** Every partition kernel; importing this module registers them all by name. */
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
