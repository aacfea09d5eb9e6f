/**
 * Deterministic generators for the seed workloads' data, at any size:
 *  - StackLite-like `questions.csv` (Id, CreationDate, ClosedDate, DeletionDate, Score,
 *    OwnerUserId, AnswerCount; missing values written as NA) and `question_tags.csv` (Id, Tag);
 *  - an NYC-flights-like folder `1990.csv` ... `1999.csv` with the classic columns, where
 *    TailNum is empty for the first rows of every file and CRSElapsedTime has missing values
 *    only further down, so dtype inference from a sample goes wrong exactly as in the seed.
 *
 * As a script:  npx tsx examples/data/generate.ts [--out DIR] [--questions N] [--flight-rows N] [--seed S] [--only stacklite|flights]
 * As a module:  import { generateStackLite, generateFlights } from 'tsdask/datasets';
 */
import { join } from 'node:path';
import { generateFlights, generateStackLite } from '../../src/datasets/index.js';

export * from '../../src/datasets/index.js';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

if (require.main === module) {
  const out = arg('out', 'data')!;
  const only = arg('only');
  const seed = Number(arg('seed', '42'));
  if (only !== 'flights') {
    const g = generateStackLite(out, { questions: Number(arg('questions', '1000000')), seed });
    console.log(`stacklite: ${g.files.join(', ')} (${g.rows[0]} questions, ${g.rows[1]} tag rows, ${(g.bytes / 1e6).toFixed(1)} MB)`);
  }
  if (only !== 'stacklite') {
    const g = generateFlights(join(out, 'nycflights'), { rowsPerFile: Number(arg('flight-rows', '20000')), seed });
    console.log(`flights: ${g.files.length} files in ${join(out, 'nycflights')} (${(g.bytes / 1e6).toFixed(1)} MB)`);
  }
}
