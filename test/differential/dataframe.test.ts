/** Differential: DataFrame (dd.* and DataFrame members) against pandas on the messy frame, on every local scheduler. */
import { dataframeCases } from './cases/dataframe.js';
import { frameInputs } from './cases/frame-context.js';
import { defineSuite } from './harness.js';

const inputs = frameInputs('dataframe');
defineSuite({ name: 'DataFrame (dd.* and DataFrame members)', needs: 'import pandas', pkg: 'python3-pandas', ...inputs, cases: dataframeCases });
