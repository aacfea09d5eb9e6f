/**
 * The local schedulers every generic suite runs on; suites loop over this list so results must
 * match across all of them. Every expected scheduler must be there: one whose lookup throws
 * fails the suite loudly instead of shrinking the list (a suite that silently skipped
 * `processes` would referee nothing there).
 */
import { getScheduler, type SchedulerName } from '../../src/index.js';

export const EXPECTED_SCHEDULERS: readonly SchedulerName[] = ['sync', 'threads', 'processes'];

/** `names`, each checked to resolve with `lookup`; throws naming every one that does not. */
export function expectSchedulers<N extends string>(names: readonly N[], lookup: (name: N) => unknown = getScheduler): N[] {
  const missing: string[] = [];
  for (const name of names) {
    try {
      lookup(name);
    } catch (e) {
      missing.push(`'${name}' (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `test/helpers/schedulers.ts: the suites must run on every scheduler of [${names.join(', ')}], but these are missing: ${missing.join('; ')}`,
    );
  }
  return [...names];
}

export const SCHEDULERS: SchedulerName[] = expectSchedulers(EXPECTED_SCHEDULERS);
