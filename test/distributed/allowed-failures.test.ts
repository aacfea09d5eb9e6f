/**
 * Where the scheduler's allowed failures come from: the option, else config
 * 'distributed.scheduler.allowed-failures', else $TSDASK_ALLOWED_FAILURES, else Dask's 3; a bad
 * value is an error naming where it came from.
 */
import t from 'tap';
import { config } from '../../src/index.js';
import { resolveAllowedFailures } from '../../src/distributed/scheduler/allowed-failures.js';

t.test('allowed failures: option > config > environment > 3', async (t) => {
  const saved = process.env.TSDASK_ALLOWED_FAILURES;
  t.teardown(() => {
    if (saved === undefined) delete process.env.TSDASK_ALLOWED_FAILURES;
    else process.env.TSDASK_ALLOWED_FAILURES = saved;
  });
  delete process.env.TSDASK_ALLOWED_FAILURES;
  t.equal(resolveAllowedFailures(undefined), 3, "Dask's default");
  process.env.TSDASK_ALLOWED_FAILURES = '5';
  t.equal(resolveAllowedFailures(undefined), 5, 'from the environment');
  t.equal(
    config.with({ 'distributed.scheduler.allowed-failures': 1 }, () => resolveAllowedFailures(undefined)),
    1,
    'config wins over the environment',
  );
  t.equal(
    config.with({ 'distributed.scheduler.allowed-failures': 1 }, () => resolveAllowedFailures(0)),
    0,
    'the option wins over config',
  );
  process.env.TSDASK_ALLOWED_FAILURES = 'many';
  t.throws(() => resolveAllowedFailures(undefined), /\$TSDASK_ALLOWED_FAILURES: allowed failures must be a whole number .* got "many"/);
  t.throws(
    () => config.with({ 'distributed.scheduler.allowed-failures': -1 }, () => resolveAllowedFailures(undefined)),
    /config 'distributed.scheduler.allowed-failures': .* got -1/,
  );
});
