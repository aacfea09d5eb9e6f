// ESM entry: re-exports the CommonJS build so ESM and CJS users share one module instance
// (one config, one set of pools, one default client).
export * from '../dist/index.js';
