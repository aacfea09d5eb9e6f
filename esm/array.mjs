// ESM entry for tsdask/array: re-exports the CommonJS build so ESM and CJS users share one
// module instance (one kernel registry, one set of pools).
export * from '../dist/array/index.js';
