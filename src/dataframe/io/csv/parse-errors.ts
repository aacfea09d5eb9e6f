/**
 * The row parser's error paths. Broken structure (ragged rows, bad or unterminated quoting)
 * stops the read at once with file and line; values that do not fit their column's dtype are
 * collected as Mismatches (the first per column) and reported together per block, with the
 * `dtype` option that fixes them (block.ts).
 */
import type { DType } from '../../frame.js';
import { CsvError } from './errors.js';
import { dtypeOf } from './columns.js';
import { FRACTION, MISSING, RANGE, textOf } from './values.js';

export interface Mismatch {
  column: string;
  dtype: DType;
  value: string;
  /** Stream offset of the row (block.ts turns it into a line number). */
  offset: number;
  why: 'missing' | 'fraction' | 'text' | 'range';
}

/** Value src[s, e) of a column of `kind` (columns.ts) in the row at stream offset `offset`, with the store function's result code (values.ts). */
export function mismatchRecord(column: string, kind: number, src: Buffer, s: number, e: number, latin1: boolean, offset: number, code: number): Mismatch {
  const why = code === MISSING ? 'missing' : code === FRACTION ? 'fraction' : code === RANGE ? 'range' : 'text';
  return { column, dtype: dtypeOf(kind), value: textOf(src, s, e, latin1), offset, why };
}

/** The column of field j, for messages (extra fields of a ragged row name the last column). */
function columnName(names: readonly string[], j: number): string {
  return names[Math.min(j, names.length - 1)] ?? String(j);
}

export function raggedRow(file: string, line: number, fields: number, names: readonly string[]): CsvError {
  return new CsvError(
    `readCsv: ${file} line ${line} has ${fields} fields, expected ${names.length} (${names.join(', ')}). ` +
      'Ragged rows are errors, never silently shifted: fix the file, check `sep`, or check for an unbalanced quote.',
    file,
    line,
  );
}

export function textAfterQuote(file: string, line: number, names: readonly string[], j: number): CsvError {
  const column = columnName(names, j);
  return new CsvError(`readCsv: bad quoting in ${file} at line ${line}: column '${column}' has text after its closing quote`, file, line, column);
}

export function unterminatedQuote(file: string, line: number, names: readonly string[], j: number): CsvError {
  const column = columnName(names, j);
  return new CsvError(`readCsv: unterminated quoted field in ${file} at line ${line} (column '${column}')`, file, line, column);
}
