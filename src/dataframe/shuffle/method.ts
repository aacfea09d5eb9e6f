/**
 * Which shuffle a plan uses: 'tasks' (pieces are task results, held in worker memory and
 * moved like any dependency; src/dataframe/plan/shuffle.ts) or 'disk' (pieces written to
 * files on the workers and read back per output partition, in bounded memory; kernels.ts).
 *
 * Config key `shuffle` (or TSDASK_SHUFFLE): 'tasks', 'disk' or 'auto' (the default). The
 * disk shuffle runs only on the distributed scheduler, where workers free its files when the
 * scheduler releases them; local schedulers always use tasks. 'auto' picks disk for large
 * all-to-all shuffles (at least DISK_MIN_PAIRS input x output partition pairs), where the
 * task shuffle would hold a stage of pieces in memory and need many small tasks, when the
 * workers can read each other's files.
 */
import { config } from '../../core/config.js';
import { currentDefaultClient } from '../../core/default-client.js';

export type ShuffleMethod = 'tasks' | 'disk';

const METHODS = ['tasks', 'disk', 'auto'] as const;

/** 'auto' takes the disk path from this many (input, output) partition pairs: 16 x 16. */
export const DISK_MIN_PAIRS = 256;

type Configured = (typeof METHODS)[number];

function isMethod(v: unknown): v is Configured {
  return METHODS.some((m) => m === v);
}

function configured(): Configured {
  const v: unknown = config.get('shuffle') ?? process.env.TSDASK_SHUFFLE ?? 'auto';
  if (isMethod(v)) return v;
  const from = config.get('shuffle') !== undefined ? 'config shuffle' : 'TSDASK_SHUFFLE';
  throw new TypeError(`${from}: unknown shuffle method ${JSON.stringify(v)}; use 'tasks', 'disk' or 'auto'`);
}

/** The distributed scheduler in force when the graph is built (a Client), if it is one. */
function distributed(): object | undefined {
  const s: unknown = config.get('scheduler');
  if (s === 'distributed') return currentDefaultClient()?.scheduler ?? {};
  return typeof s === 'object' && s !== null && 'name' in s && s.name === 'distributed' ? s : undefined;
}

/**
 * Whether every worker can read every other's shuffle files: a Client of a LocalCluster (one
 * host), or a shared TSDASK_SHUFFLE_DIR. A Client of workers on other machines (SSHCluster,
 * `tsdask worker` on each node) cannot, so 'auto' keeps the task shuffle there.
 */
function filesShared(client: object): boolean {
  if (process.env.TSDASK_SHUFFLE_DIR !== undefined) return true;
  return 'cluster' in client && client.cluster !== undefined;
}

/** The shuffle to build for `nIn` input and `nOut` output partitions. */
export function shuffleMethod(nIn: number, nOut: number): ShuffleMethod {
  const want = configured();
  const client = distributed();
  if (want === 'tasks' || client === undefined) return 'tasks';
  if (want === 'disk') return 'disk';
  return nIn * nOut >= DISK_MIN_PAIRS && filesShared(client) ? 'disk' : 'tasks';
}
