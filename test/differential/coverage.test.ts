/**
 * The harness covers API.md: every DataFrame/Series/GroupBy/Bag/Array item has a case, every
 * case names real items, every item is a member the code has, and the KNOWN / DIFFERENCES
 * tables name cases that exist (a renamed case cannot leave a stale entry behind).
 */
import t from 'tap';
import * as da from '../../src/array/index.js';
import * as db from '../../src/bag/index.js';
import * as dd from '../../src/dataframe/index.js';
import { API_ITEMS, EXTRA } from './api.js';
import { arrayCases } from './cases/array.js';
import { bagCases } from './cases/bag.js';
import { dataframeCases } from './cases/dataframe.js';
import { groupbyCases } from './cases/groupby.js';
import { seriesCases } from './cases/series.js';
import { DIFFERENCES, KNOWN } from './known.js';

const ALL = [...dataframeCases, ...seriesCases, ...groupbyCases, ...arrayCases, ...bagCases];

/** Does the code have the member an API item names? */
function exists(item: string): boolean {
  if (item === 'String(ddf)') return Object.hasOwn(dd.DataFrame.prototype, 'toString');
  if (item === 'Scalar.operand') return typeof dd.Series.prototype.lt === 'function' && typeof dd.Scalar.prototype.compute === 'function';
  const [owner, ...rest] = item.split('.');
  const path = rest.join('.');
  const modules: Record<string, object> = { dd, db, da };
  if (owner in modules) return rest.reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], modules[owner]) !== undefined;
  // Instances, not prototypes: some members are fields (npartitions) or getters (T, dt).
  const frame = dd.fromFrames([dd.Frame.empty([['a', 'int64']])]);
  const instances: Record<string, object> = {
    DataFrame: frame,
    Series: frame.col('a'),
    Scalar: frame.col('a').sum(),
    GroupBy: frame.groupby('a'),
    SeriesGroupBy: frame.groupby('a').col('a'),
    Bag: db.fromSequence([1]),
    Array: da.ones([1]),
  };
  if (owner === 'Series' && (rest[0] === 'dt' || rest[0] === 'str')) {
    const accessor = rest[0] === 'dt' ? frame.col('a').dt : frame.col('a').str;
    return rest[1] in accessor;
  }
  return owner in instances && path in instances[owner];
}

t.test('every API.md item of the collections has a differential case', async (t) => {
  const covered = new Set(ALL.flatMap((c) => c.api));
  t.same(
    API_ITEMS.filter((i) => !covered.has(i)),
    [],
    'API.md items without a case',
  );
  const known = new Set([...API_ITEMS, ...EXTRA]);
  t.same(
    [...covered].filter((i) => !known.has(i)),
    [],
    'case api names that are neither API.md items nor EXTRA',
  );
  t.same(
    [...API_ITEMS, ...EXTRA].filter((i) => !exists(i)),
    [],
    'items that name a member the code lacks',
  );
});

t.test('case ids are unique and the KNOWN / DIFFERENCES tables name existing cases', async (t) => {
  const ids = ALL.map((c) => c.id);
  t.same(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
    'duplicate case ids',
  );
  const all = new Set(ids);
  t.same(
    Object.keys(KNOWN).filter((k) => !all.has(k)),
    [],
    'KNOWN entries without a case',
  );
  t.same(
    Object.keys(DIFFERENCES).filter((k) => !all.has(k)),
    [],
    'DIFFERENCES entries without a case',
  );
  t.same(
    Object.keys(KNOWN).filter((k) => Object.hasOwn(DIFFERENCES, k)),
    [],
    'a case is KNOWN or a DIFFERENCE, not both',
  );
});
