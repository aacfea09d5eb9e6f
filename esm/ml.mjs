// ESM entry for tsdask/ml: re-exports the CommonJS build.
export * from '../dist/ml/index.js';
