/**
 * The row parser's error paths. Broken structure (ragged rows, bad or unterminated quoting)
 * stops the read at once with file and line; values that do not fit their column's dtype are
 * collected as Mismatches (the first per column) and reported together per block, with the
 * `dtype` option that fixes them (mismatchError, called by block.ts once a block is parsed).
 */
import type { DType } from '../../frame.js';
import type { BlockSpec } from './options.js';
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

function describeValue(m: Mismatch): string {
  return m.value === '' ? 'an empty (missing) value' : `'${m.value.length > 60 ? `${m.value.slice(0, 60)}...` : m.value}'`;
}

function fixFor(m: Mismatch): string {
  // Digits beyond 2^53 keep their text as strings; 1e20 is a float written as one.
  if (m.why === 'range') {
    if (m.dtype === 'int32' && Math.abs(Number(m.value)) <= Number.MAX_SAFE_INTEGER) return 'int64';
    return /[.eE]/.test(m.value) ? 'float64' : 'string';
  }
  if (m.why === 'missing' || m.why === 'fraction') return 'float64';
  return 'string';
}

/** One error for every column of the block whose values do not fit, like Dask's dtype mismatch table. */
export function mismatchError(path: string, ms: Mismatch[], lineOf: (o: number) => number, spec: BlockSpec): CsvError {
  const lines = ms.map((m) => {
    const line = lineOf(m.offset);
    const why =
      m.why === 'missing'
        ? `int columns cannot hold missing values`
        : m.why === 'fraction'
          ? `it has a fraction`
          : m.why === 'range'
            ? m.dtype === 'int64'
              ? 'it is beyond 2^53, where int64 values (stored as doubles) would lose digits'
              : 'it does not fit in 32 bits'
            : `it is not a ${m.dtype} value`;
    const source = spec.inferred[spec.names.indexOf(m.column)]
      ? `inferred from ${spec.inferredFrom}`
      : m.dtype === 'datetime'
        ? 'from parseDates or dtype'
        : 'given in dtype';
    return { line, text: `  - column '${m.column}' (${m.dtype}, ${source}): line ${line} has ${describeValue(m)}; ${why}` };
  });
  const key = (c: string) => (/^[A-Za-z_$][\w$]*$/.test(c) ? c : JSON.stringify(c));
  const typed = ms.filter((m) => m.dtype !== 'datetime');
  const dates = ms.filter((m) => m.dtype === 'datetime');
  const fixes: string[] = [];
  if (typed.length > 0) {
    fixes.push(
      `pass the dtypes explicitly, e.g. readCsv(..., { dtype: { ${typed.map((m) => `${key(m.column)}: '${fixFor(m)}'`).join(', ')} } })` +
        (typed.some((m) => m.why === 'missing') ? ', or { assumeMissing: true } to read integer columns as float64' : ''),
    );
  }
  if (dates.length > 0) {
    fixes.push(
      `read ${dates.map((m) => `'${m.column}'`).join(', ')} without parseDates and convert with dd.toDatetime(ddf.col(...), { format, errors: 'coerce' })`,
    );
  }
  const msg = `readCsv: values in ${path} do not match the column dtypes:\n${lines.map((l) => l.text).join('\n')}\nFix: ${fixes.join('; ')}.`;
  return new CsvError(msg, path, lines[0].line, ms[0].column);
}
