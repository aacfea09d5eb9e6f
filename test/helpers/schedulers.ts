/**
 * The local schedulers every generic suite runs on. A scheduler is listed once it is
 * registered; suites loop over this list so results must match across all of them.
 */
import { getScheduler, type SchedulerName } from '../../src/index.js';

const CANDIDATES: SchedulerName[] = ['sync', 'threads', 'processes'];

export const SCHEDULERS: SchedulerName[] = CANDIDATES.filter((name) => {
  try {
    getScheduler(name);
    return true;
  } catch {
    return false;
  }
});
