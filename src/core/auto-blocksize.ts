/**
 * The default size of a readCsv block: 64MB, as Dask's, unless the connected default Client's
 * workers have less memory per thread than a 64MB block needs. A parsed block, the pieces a merge
 * or groupby splits it into and the result of its task are all in memory at once (measured on
 * the 1.9 GB StackLite set: 64MB blocks on 600MB workers were killed by their nannies, 32MB
 * blocks were not), so a block is at most 1/20 of a thread's share of the memory limit.
 */
import { currentDefaultClient } from './default-client.js';

export const DEFAULT_BLOCKSIZE = 64_000_000;
/** Never smaller than this: tiny blocks cost more per task than they save in memory. */
const MIN_BLOCKSIZE = 4_000_000;
const SHARE = 20;

/** Bytes per block when the user gave no `blocksize`. */
export function autoBlocksize(): number {
  const perThread = currentDefaultClient()?.scheduler.memoryPerThread?.();
  if (perThread === undefined || !(perThread > 0)) return DEFAULT_BLOCKSIZE;
  const fit = Math.floor(perThread / SHARE / 1_000_000) * 1_000_000;
  return Math.max(MIN_BLOCKSIZE, Math.min(DEFAULT_BLOCKSIZE, fit));
}
