/**
 * The local schedulers every generic suite runs on. A scheduler is listed once it is
 * registered; suites loop over this list so results must match across all of them.
 */
import { getScheduler } from '../../src/index.js';

const CANDIDATES = ['sync', 'threads', 'processes'] as const;

export const SCHEDULERS: string[] = CANDIDATES.filter((name) => {
  try {
    getScheduler(name);
    return true;
  } catch {
    return false;
  }
});
