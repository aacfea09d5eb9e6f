/** Differential: GroupBy against pandas on the messy frame, on every local scheduler. */
import { groupbyCases } from './cases/groupby.js';
import { frameInputs } from './cases/frame-context.js';
import { defineSuite } from './harness.js';

const inputs = frameInputs('groupby');
defineSuite({ name: 'GroupBy', needs: 'import pandas', pkg: 'python3-pandas', ...inputs, cases: groupbyCases });
