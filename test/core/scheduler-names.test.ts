/**
 * Scheduler names come from the registry: an unknown name's error lists every registered one
 * (a scheduler registered later included), config accepts what the registry knows, and the
 * suites' scheduler list fails loudly when an expected scheduler is missing.
 */
import t from 'tap';
import { compute, config, delayed, registerScheduler, SyncScheduler } from '../../src/index.js';
import { EXPECTED_SCHEDULERS, expectSchedulers, SCHEDULERS } from '../helpers/schedulers.js';

t.afterEach(() => config.reset());

const inc = (x: number) => x + 1;
// Every name of the public SchedulerName type (API.md), written out here independently of the registry.
const PUBLIC_NAMES = ['sync', 'synchronous', 'threads', 'processes', 'distributed'];

t.test('an unknown scheduler name lists every registered name', async (t) => {
  const err = await compute(delayed(inc)(1), { scheduler: 'thread' as 'threads' }).catch((e: unknown) => e);
  t.ok(err instanceof Error, 'rejects');
  const message = err instanceof Error ? err.message : '';
  t.match(message, /unknown scheduler 'thread'/);
  for (const name of PUBLIC_NAMES) t.ok(new RegExp(`\\b${name}\\b`).test(message), `names '${name}': ${message}`);
  t.throws(() => config.set({ scheduler: 'thread' }), /config\.set: unknown scheduler "thread"/);
  const fromSet = (() => {
    try {
      config.set({ scheduler: 'thread' });
      return '';
    } catch (e) {
      return e instanceof Error ? e.message : '';
    }
  })();
  for (const name of PUBLIC_NAMES) t.ok(new RegExp(`\\b${name}\\b`).test(fromSet), `config.set names '${name}'`);
});

t.test('a scheduler registered later is accepted by config and named in errors', async (t) => {
  registerScheduler('custom-sync', () => new SyncScheduler());
  config.set({ scheduler: 'custom-sync' });
  t.equal(config.get('scheduler'), 'custom-sync');
  t.same(await compute(delayed(inc)(41)), [42], 'computes on the registered scheduler');
  config.reset();
  const err = await compute(delayed(inc)(1), { scheduler: 'nope' as 'sync' }).catch((e: unknown) => e);
  t.match(err instanceof Error ? err.message : '', /custom-sync/);
  t.throws(() => registerScheduler('distributed', () => new SyncScheduler()), /reserved for the default Client/);
});

t.test("'distributed' without a connected Client says how to connect one", async (t) => {
  await t.rejects(compute(delayed(inc)(1), { scheduler: 'distributed' }), /scheduler 'distributed' needs a connected Client: `await Client\.connect/);
});

t.test('the suites run on every expected scheduler, or fail loudly', async (t) => {
  t.same(SCHEDULERS, ['sync', 'threads', 'processes'], 'the list the suites loop over is complete');
  t.same(EXPECTED_SCHEDULERS, ['sync', 'threads', 'processes']);
  const broken = (name: string) => {
    if (name === 'processes') throw new Error('cannot fork');
  };
  t.throws(
    () => expectSchedulers(['sync', 'threads', 'processes'], broken),
    /these are missing: 'processes' \(cannot fork\)/,
    'a throwing factory is an error, not a shorter list',
  );
  t.same(
    expectSchedulers(['sync', 'threads'], () => undefined),
    ['sync', 'threads'],
  );
});
