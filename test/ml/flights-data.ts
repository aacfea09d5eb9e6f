/** A small flights-like feature matrix for the ML tests: will a flight arrive more than 15 minutes late? */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFlights } from '../../src/datasets/index.js';
import * as dd from '../../src/dataframe/index.js';
import { toFeatureMatrix } from '../../src/ml/index.js';
import type { Dataset } from '../../src/ml/index.js';

export const FEATURES = ['Month', 'DayOfWeek', 'CRSDepTime', 'Distance', 'DepDelay', 'UniqueCarrier', 'Origin'];

/** Flights CSVs in a fresh temporary directory (removed by `cleanup`). */
export function flightsDir(rowsPerFile: number, years: readonly [number, number]): { dir: string; cleanup: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'tsdask-ml-'));
  generateFlights(tmp, { rowsPerFile, years, seed: 3 });
  return { dir: tmp, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

export function delayedFrame(dir: string, blocksize?: number): dd.DataFrame {
  const ddf = dd
    .readCsv(join(dir, '*.csv'), { dtype: { CRSElapsedTime: 'float64', TailNum: 'string' }, ...(blocksize ? { blocksize } : {}) })
    .dropna({ subset: ['ArrDelay'] });
  return ddf.assign({ Late: ddf.col('ArrDelay').gt(15) });
}

export async function flightsDataset(dir: string): Promise<Dataset> {
  const { data } = await toFeatureMatrix(delayedFrame(dir), { features: FEATURES, target: 'Late' }, { scheduler: 'sync' });
  return data;
}
