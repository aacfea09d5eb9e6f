// danfo.js peer for bench/csv, in its own process (loading danfo/tfjs slows the host's GC):
// CPU seconds of danfo.readCSV per file (one run each: it takes seconds); prints one JSON line.
const { statSync } = require('node:fs');
const dfd = require('danfojs-node');

(async () => {
  const out = { files: {} };
  for (const path of process.argv.slice(2)) {
    const c0 = process.cpuUsage();
    const df = await dfd.readCSV(path);
    const c = process.cpuUsage(c0);
    out.files[path] = { seconds: (c.user + c.system) / 1e6, rows: df.shape[0], bytes: statSync(path).size };
  }
  console.log(JSON.stringify(out));
})();
