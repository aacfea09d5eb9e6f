/**
 * NYC-flights-like data: `<year>.csv` files with the classic columns, where TailNum is empty
 * for the first rows of every file and CRSElapsedTime has missing values only further down,
 * so dtype inference from a sample goes wrong exactly as in the seed exercise.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 as rng } from '../core/random.js';
import { type GeneratedFiles, Writer } from './writer.js';

export interface FlightsOptions {
  /** Rows per yearly file (default 20,000). */
  rowsPerFile?: number;
  /** First and last year (default 1990..1999: ten files). */
  years?: readonly [number, number];
  seed?: number;
  /** Rows at the top of each file with an empty TailNum (default min(5000, 60% of rows): beyond the 256kB inference sample). */
  emptyTailNumRows?: number;
}

const DESTS: Array<[string, number]> = [
  ['ATL', 762],
  ['ORD', 733],
  ['LAX', 2475],
  ['SFO', 2586],
  ['BOS', 187],
  ['DCA', 214],
  ['MIA', 1089],
  ['DFW', 1391],
  ['DEN', 1626],
  ['PIT', 335],
  ['CLT', 544],
  ['DTW', 502],
  ['MSP', 1020],
  ['IAH', 1416],
  ['PHX', 2153],
  ['SEA', 2422],
  ['MCO', 950],
  ['FLL', 1069],
  ['TPA', 1005],
  ['RDU', 427],
  ['BUF', 292],
  ['ROC', 254],
  ['SYR', 198],
  ['CLE', 425],
  ['JFK', 0],
  ['EWR', 0],
  ['LGA', 0],
];
const CARRIERS = ['AA', 'UA', 'DL', 'US', 'CO', 'TW', 'NW', 'HP', 'AS', 'WN'];
const ORIGINS = ['EWR', 'JFK', 'LGA'];

export const FLIGHT_COLUMNS = [
  'Year',
  'Month',
  'DayofMonth',
  'DayOfWeek',
  'DepTime',
  'CRSDepTime',
  'ArrTime',
  'CRSArrTime',
  'UniqueCarrier',
  'FlightNum',
  'TailNum',
  'ActualElapsedTime',
  'CRSElapsedTime',
  'AirTime',
  'ArrDelay',
  'DepDelay',
  'Origin',
  'Dest',
  'Distance',
  'TaxiIn',
  'TaxiOut',
  'Cancelled',
  'Diverted',
];

function hhmm(minutes: number): number {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return Math.floor(m / 60) * 100 + (m % 60);
}

/** Write `<year>.csv` for each year into `dir`. */
export function generateFlights(dir: string, opts: FlightsOptions = {}): GeneratedFiles {
  const rows = opts.rowsPerFile ?? 20_000;
  const [y0, y1] = opts.years ?? [1990, 1999];
  const emptyTop = opts.emptyTailNumRows ?? Math.min(5000, Math.floor(rows * 0.6));
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const counts: number[] = [];
  let bytes = 0;
  for (let year = y0; year <= y1; year++) {
    const r = rng((opts.seed ?? 7) * 1000 + year);
    const path = join(dir, `${year}.csv`);
    const w = new Writer(path);
    w.line(FLIGHT_COLUMNS.join(','));
    for (let i = 0; i < rows; i++) {
      // Rows sorted by date within the year, like the original files.
      const dayOfYear = Math.floor((i / rows) * 365);
      const date = new Date(Date.UTC(year, 0, 1 + dayOfYear));
      const month = date.getUTCMonth() + 1;
      const dom = date.getUTCDate();
      const dow = ((date.getUTCDay() + 6) % 7) + 1; // 1 = Monday
      const origin = ORIGINS[Math.floor(r() * 3)];
      let [dest, dist] = DESTS[Math.floor(r() * DESTS.length)];
      if (dest === origin) [dest, dist] = DESTS[0];
      if (dist === 0) dist = 17 + Math.floor(r() * 10);
      const carrier = CARRIERS[Math.floor(r() * CARRIERS.length)];
      const crsDep = 360 + Math.floor(r() * 1020);
      const crsElapsed = Math.round(dist / 7.5 + 30 + r() * 20);
      const cancelled = r() < 0.02 ? 1 : 0;
      const diverted = !cancelled && r() < 0.003 ? 1 : 0;
      const depDelay = Math.round(-Math.log(1 - r()) * 12 - 5);
      const arrDelay = depDelay + Math.round((r() - 0.5) * 20);
      const actual = crsElapsed + arrDelay - depDelay;
      const tail = i < emptyTop ? '' : `N${100 + Math.floor(r() * 900)}${carrier}`;
      // CRSElapsedTime is never missing in the first rows of a file, only further down.
      const crsMissing = i > Math.max(emptyTop, rows / 2) && r() < 0.01;
      const fields = [
        year,
        month,
        dom,
        dow,
        cancelled ? '' : hhmm(crsDep + depDelay),
        hhmm(crsDep),
        cancelled || diverted ? '' : hhmm(crsDep + depDelay + actual),
        hhmm(crsDep + crsElapsed),
        carrier,
        1 + Math.floor(r() * 2000),
        tail,
        cancelled || diverted ? '' : actual,
        crsMissing ? '' : crsElapsed,
        '', // AirTime: not recorded in the 1990s files
        cancelled || diverted ? '' : arrDelay,
        cancelled ? '' : depDelay,
        origin,
        dest,
        dist,
        '',
        '', // TaxiIn, TaxiOut: not recorded
        cancelled,
        diverted,
      ];
      w.line(fields.join(','));
    }
    w.close();
    files.push(path);
    counts.push(rows);
    bytes += w.bytes;
  }
  return { files, bytes, rows: counts };
}
