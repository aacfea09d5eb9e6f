/** Differential: Series and Scalar against pandas on the messy frame, on every local scheduler. */
import { seriesCases } from './cases/series.js';
import { frameInputs } from './cases/frame-context.js';
import { defineSuite } from './harness.js';

const inputs = frameInputs('series');
defineSuite({ name: 'Series and Scalar', needs: 'import pandas', pkg: 'python3-pandas', ...inputs, cases: seriesCases });
