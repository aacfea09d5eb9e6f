/**
 * Where tsdask and the reference disagree today, case by case.
 *
 * KNOWN: defects, each with the issue #10 item that fixes it, or 'new' for one this harness
 * found (reported to be filed). A KNOWN case is asserted to still differ: when the fix lands
 * the suite fails with "remove from KNOWN", so this table only shrinks.
 *
 * DIFFERENCES: deliberate, each with its reason in the design; the README's "Differences from
 * pandas" lists the same. A check, when given, asserts what tsdask does instead.
 */
import type { Encoded } from './encode.js';

export interface Known {
  item: number | 'new';
  what: string;
}

export interface Difference {
  reason: string;
  check?: (got: Encoded) => string[];
}

/** An error whose message matches every pattern (the "clear error" a difference promises). */
function raises(...patterns: RegExp[]): (got: Encoded) => string[] {
  return (got) => {
    if (!('$error' in got)) return ['expected an error'];
    return patterns.filter((p) => !p.test(got.$error)).map((p) => `error "${got.$error.slice(0, 160)}" does not match ${p}`);
  };
}

export const KNOWN: Record<string, Known> = {
  // ---- Series ----
  's.astype.string-missing': { item: 'new', what: "astype('string') keeps a missing value missing (null); pandas' astype(str) writes the text 'nan'" },
};

const STRING_MINMAX =
  'min/max of a text column skip missing values, as they do for numbers (pandas raises comparing str with the float NaN of an object column)';

const MIXED_MINMAX =
  'there is no object dtype: ddf.min()/max() over bools or text together with numbers give one float64 or text series (1/0, each value as text) where pandas gives an object series';

export const DIFFERENCES: Record<string, Difference> = {
  // ---- no object dtype (README, "Differences from pandas") ----
  'df.min.numeric': { reason: MIXED_MINMAX },
  'df.max.numeric': { reason: MIXED_MINMAX },
  'df.min.strings': { reason: MIXED_MINMAX },
  'df.max.strings': { reason: MIXED_MINMAX },
  's.str.contains': {
    reason: 'str.contains keeps a missing value missing in a bool series (pandas: an object series holding NaN); there is no object dtype',
  },
  // ---- int64 past 2^53 (item 13): stored in doubles, so an error instead of pandas' exact int64 ----
  's.sum.big-int': {
    reason: 'int64 is stored in doubles: an int64 sum past 2^53 is an error naming the column and the astype(float64) fix, never a rounded int',
    check: raises(/Int64OverflowError/, /sum of 'big'/, /astype\('float64'\)/),
  },
  's.pow.int32-limits': {
    reason: 'int64 is stored in doubles: an int64 result past 2^53 (2147483647 ** 2) is an error naming the operation and the fix, never a rounded int',
    check: raises(/Int64OverflowError/, /pow on 'lim'/, /astype\('float64'\)/),
  },
  // ---- Series ----
  's.min.string': { reason: STRING_MINMAX },
  's.max.string': { reason: STRING_MINMAX },
  's.max.astral-text': { reason: STRING_MINMAX },
  // ---- DataFrame ----
  'df.iloc.rows': {
    reason: 'iloc selects columns only: rows by position would need every partition length before building the graph',
    check: raises(/iloc/, /position/),
  },
  'df.fillna.mixed': {
    reason: "fillna with a value of another type than a column's (0 for a bool column) raises naming the column: columns are typed arrays, never mixed objects",
    check: raises(/fillna/, /'b'/),
  },
  'df.quantile.bool': {
    reason: 'quantile, median and describe skip bool columns (pandas 1.5 itself disagrees: quantile raises on them, median counts True as 1)',
  },
  'df.median.bool': {
    reason: 'quantile, median and describe skip bool columns (pandas 1.5 itself disagrees: quantile raises on them, median counts True as 1)',
  },
  'df.setIndex.duplicate-keys': {
    reason:
      'results are danfo.js objects, and a danfo index must be unique: setIndex on a column with repeated values cannot come back (pandas and Dask allow repeated labels)',
    check: raises(/unique/),
  },
};
