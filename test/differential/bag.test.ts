/** Differential: Bag (tsdask/bag) against plain Python on the same records and text files, on every local scheduler. */
import { bagCases, bagInputs } from './cases/bag.js';
import { defineSuite } from './harness.js';

defineSuite({ name: 'Bag', needs: 'import json, gzip', pkg: 'python3', datasets: {}, ...bagInputs(), cases: bagCases });
