/** Differential: Array (tsdask/array) against numpy, on every local scheduler. */
import { arrayCases, arrayInputs } from './cases/array.js';
import { defineSuite } from './harness.js';

defineSuite({ name: 'Array', needs: 'import numpy', pkg: 'python3-numpy', datasets: {}, ...arrayInputs(), cases: arrayCases });
