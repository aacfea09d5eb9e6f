/** Every array kernel module, imported once so each kernel is registered under its name. */
import './dot.js';
import './elemwise.js';
import './extreme.js';
import './full.js';
import './mean.js';
import './moment.js';
import './random.js';
import './rechunk.js';
import './sum.js';
import './transpose.js';
