// Loaded into every test process (.taprc node-arg). Coverage is recorded in the test
// processes only: processes and threads they start (worker pools, cluster processes) load
// the same sources through another transpiler, whose source maps make tap's merged report
// wrong. Set after the test process has started its own coverage, so only children see it.
setImmediate(() => {
  process.env._TAPJS_PROCESSINFO_COVERAGE_ = '0';
});
