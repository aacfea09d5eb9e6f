#!/usr/bin/env node
// The `tsdask` command: dispatches to the compiled CLI.
require('../dist/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  })
  .catch((err) => {
    console.error(`tsdask: ${err && err.message ? err.message : err}`);
    process.exitCode = 1;
  });
