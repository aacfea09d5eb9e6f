// ESM entry for tsdask/datasets: re-exports the CommonJS build.
export * from '../dist/datasets/index.js';
