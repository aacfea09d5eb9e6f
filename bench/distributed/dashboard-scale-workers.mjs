// Helper of dashboard-scale.mjs: hosts N tsdask workers in this one process (inline executor,
// one slot each), so 50 workers cost a few processes, not 50. Each is a real Worker with its own
// scheduler connection and peer port; the scheduler cannot tell them from worker processes.
// Usage: node dashboard-scale-workers.mjs SCHEDULER_ADDRESS N NAME_PREFIX
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Worker } = require('../../dist/distributed/worker/worker.js');
const { installLibrary } = require('../../dist/library.js');

installLibrary();
const [address, n, prefix] = process.argv.slice(2);
const workers = [];
for (let i = 0; i < Number(n); i++) {
  const w = new Worker({ scheduler: address, nthreads: 1, executor: 'inline', memoryLimit: 0, name: `${prefix}-${i}`, heartbeatMs: 1000 });
  workers.push(w);
}
await Promise.all(workers.map((w) => w.start()));
process.stdout.write(`ready ${workers.length}\n`);
process.stdin.on('end', async () => {
  await Promise.all(workers.map((w) => w.stop()));
  process.exit(0);
});
process.stdin.resume();
