/**
 * How many worker deaths a task may be charged with before its computation fails (Dask's
 * `distributed.scheduler.allowed-failures`): from the option, else the config key of that name,
 * else $TSDASK_ALLOWED_FAILURES, else 3. A bad value fails where the scheduler starts.
 */
import { config } from '../../core/config.js';

export const ALLOWED_FAILURES_KEY = 'distributed.scheduler.allowed-failures';
export const ALLOWED_FAILURES_ENV = 'TSDASK_ALLOWED_FAILURES';
const DEFAULT_ALLOWED_FAILURES = 3;

function check(value: unknown, where: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  throw new TypeError(
    `${where}: allowed failures must be a whole number of worker deaths >= 0 (a task charged with more fails), got ${JSON.stringify(value) ?? String(value)}`,
  );
}

export function resolveAllowedFailures(given: number | undefined): number {
  if (given !== undefined) return check(given, 'allowedFailures');
  const fromConfig = config.get<unknown>(ALLOWED_FAILURES_KEY);
  if (fromConfig !== undefined) return check(fromConfig, `config '${ALLOWED_FAILURES_KEY}'`);
  const env = process.env[ALLOWED_FAILURES_ENV];
  if (env !== undefined && env !== '') return check(env, `$${ALLOWED_FAILURES_ENV}`);
  return DEFAULT_ALLOWED_FAILURES;
}
