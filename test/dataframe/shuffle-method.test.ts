/**
 * Which shuffle a plan builds (src/dataframe/shuffle/method.ts): the config key `shuffle`
 * ('tasks' | 'disk' | 'auto'), the distributed scheduler only, 'auto' by partition pairs, and
 * a clear error for an unknown value. Counts come from the graphs the planners build.
 */
import t from 'tap';
import { config } from '../../src/core/config.js';
import { materialize } from '../../src/core/collection.js';
import * as dd from '../../src/dataframe/index.js';
import { Frame } from '../../src/dataframe/frame.js';

/** A frame of n one-row partitions. */
const frameOf = (n: number) => dd.fromFrames(Array.from({ length: n }, (_, i) => Frame.fromColumns({ k: [i % 5], v: [i] }, { k: 'int64', v: 'int64' })));
const diskSplits = (c: dd.DataFrame) => [...materialize([c.layer]).keys()].filter((k) => k.includes('-disk-split-')).length;

/** Stand-ins for a Client, as the planner sees one: of a LocalCluster (one host) or of remote workers. */
const localClient = { name: 'distributed', run: () => undefined, cluster: {} };
const remoteClient = { name: 'distributed', run: () => undefined, cluster: undefined };

t.test('auto: the disk shuffle from 16 x 16 partition pairs on a Client of a LocalCluster', async (t) => {
  const small = frameOf(10);
  const big = frameOf(16);
  config.with({ scheduler: localClient }, () => {
    t.equal(diskSplits(small.sortValues('v')), 0, '10 x 10 pairs: the task shuffle');
    t.equal(diskSplits(big.sortValues('v')), 16, '16 x 16 pairs: one disk split per input partition');
  });
  config.with({ scheduler: 'sync' }, () => t.equal(diskSplits(big.sortValues('v')), 0, 'a local scheduler: always the task shuffle'));
});

t.test('auto: workers on other machines keep the task shuffle unless TSDASK_SHUFFLE_DIR is shared', async (t) => {
  const big = frameOf(16);
  const before = process.env.TSDASK_SHUFFLE_DIR;
  t.teardown(() => (before === undefined ? delete process.env.TSDASK_SHUFFLE_DIR : (process.env.TSDASK_SHUFFLE_DIR = before)));
  delete process.env.TSDASK_SHUFFLE_DIR;
  config.with({ scheduler: remoteClient }, () => t.equal(diskSplits(big.sortValues('v')), 0, 'remote workers: tasks'));
  config.with({ scheduler: 'distributed' }, () => t.equal(diskSplits(big.sortValues('v')), 0, "'distributed' with no Client connected: tasks"));
  process.env.TSDASK_SHUFFLE_DIR = '/shared/shuffle';
  config.with({ scheduler: remoteClient }, () => t.equal(diskSplits(big.sortValues('v')), 16, 'a shared shuffle directory: disk'));
});

t.test("shuffle: 'disk' and 'tasks' force the choice on the distributed scheduler only", async (t) => {
  const small = frameOf(4);
  config.with({ scheduler: 'distributed', shuffle: 'disk' }, () =>
    t.equal(diskSplits(small.groupby('k', { splitOut: 2 }).agg({ v: 'sum' })), 4, 'disk, even small'),
  );
  config.with({ scheduler: 'distributed', shuffle: 'tasks' }, () => t.equal(diskSplits(frameOf(40).sortValues('v')), 0, 'tasks, even large'));
  config.with({ scheduler: 'threads', shuffle: 'disk' }, () => t.equal(diskSplits(small.sortValues('v')), 0, 'threads: tasks whatever the key says'));
});

t.test('an unknown shuffle method is a clear error', async (t) => {
  config.with({ scheduler: 'distributed', shuffle: 'p2p' }, () =>
    t.throws(() => frameOf(4).sortValues('v'), { name: 'TypeError', message: /config shuffle: unknown shuffle method "p2p"; use 'tasks', 'disk' or 'auto'/ }),
  );
});
