/**
 * A row loop generated for one column layout: straight-line code per column, with each
 * column's kind fixed and its arrays in locals, instead of the general loop's per-field
 * dispatch (about twice as fast on typical files).
 *
 * It only takes the common road: unquoted fields, plain integers or numbers, values that fit
 * their dtype, exactly one field per column, LF or CRLF line ends. On anything else it stops
 * at the start of that row and the general loop (RowParser.feed) parses the row, with all its
 * checks and error messages. A row it gives up on may already have added string entries; the
 * general loop reads the same bytes again and finds them (or, for RAW columns, the copies merge
 * when the column deduplicates), so nothing it leaves behind is visible.
 *
 * The generated source holds only numbers and fixed templates, never text from the file or the
 * user.
 */
import { finalHash, FNV_PRIME, FNV_SEED } from '../../column/fnv.js';
import type { ReadKind } from './options.js';
import { HASH, RAW, type TextColumn } from './text-column.js';

/** The parts of a column's parse state the generated loop reads (RowParser's ColState). */
export interface FastColumn {
  f64?: Float64Array;
  i32?: Int32Array;
  u8?: Uint8Array;
  text?: TextColumn;
}

export interface NaLookup {
  readonly first: Uint8Array;
  readonly hasEmpty: boolean;
  /** Numeric spellings by value (see na-set.ts), and whether some spelling reads as a bool. */
  readonly nums: Float64Array;
  readonly hasBool: boolean;
  has(buf: Uint8Array, s: number, e: number): boolean;
  isNumber(v: number): boolean;
}

/** Numeric NA values compared inline (more go through the set). */
const INLINE_NUMS = 4;

export interface FastHelpers {
  /** A number from bytes, NaN when they are not one. */
  parseNumber(buf: Uint8Array, s: number, e: number): number;
  parseIsoBytes(buf: Uint8Array, s: number, e: number): number;
  /** 1 / 0 for true / false spellings, else -1. */
  isBoolText(buf: Uint8Array, s: number, e: number): number;
}

/**
 * Parses whole rows starting at `i` while each begins before `end` (buf[end - 1] must be a line
 * feed) and `row < cap`; stores `out.row` and returns where it stopped.
 */
export type FastRows = (
  buf: Uint8Array,
  i: number,
  end: number,
  row: number,
  cap: number,
  cols: readonly FastColumn[],
  na: NaLookup,
  out: { row: number },
) => number;

const QUOTE = 34;
const LF = 10;
const CR = 13;

const cache = new Map<string, FastRows>();

/** Exact powers of ten (as in values.ts parseNumber): a mantissa of up to 15 digits divided by one is correctly rounded. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** A byte repeated in all four bytes of a 32-bit word. */
function splat(byte: number): number {
  return (byte * 0x01010101) | 0;
}

/**
 * The generated loop for this layout and these NA spellings (`na`: the loop is only valid with
 * NA sets of the same shape), or null when the general loop must do everything.
 */
export function fastRowsFor(kinds: readonly ReadKind[], sep: number, na: NaLookup, helpers: FastHelpers): FastRows | null {
  if (sep === QUOTE || sep === LF || sep === CR || kinds.length === 0) return null;
  // Files without numeric or bool NA spellings (the defaults) get a loop with no NA checks on numbers.
  const nums = Math.min(na.nums.length, INLINE_NUMS + 1);
  const key = `${kinds.join(',')}|${sep}|${nums}|${na.hasBool ? 1 : 0}`;
  let fn = cache.get(key);
  if (fn === undefined) {
    fn = compile(kinds, sep, nums, na.hasBool, helpers);
    cache.set(key, fn);
  }
  return fn;
}

function compile(kinds: readonly ReadKind[], sep: number, nums: number, naBool: boolean, helpers: FastHelpers): FastRows {
  const bail = 'i = rowStart; break rows;';
  const decl: string[] = [];
  const body: string[] = [];
  /** RAW string entries, committed when the whole row parsed. */
  const commits: string[] = [];
  kinds.forEach((kind, j) => {
    const lastCol = j === kinds.length - 1;
    // After the field: the separator, or the line end for the last column.
    const term = lastCol
      ? `if (buf[i] === ${LF}) i++; else if (buf[i] === ${CR} && buf[i + 1] === ${LF}) i += 2; else { ${bail} }`
      : `if (buf[i] !== ${sep}) { ${bail} } i++;`;
    const isNa = `(i === s ? naEmpty : naFirst[buf[s]] === 1 && na.has(buf, s, i))`;
    // A parsed number v equal to a numeric NA spelling (only generated when there are some).
    const numNa = nums === 0 ? '' : nums <= INLINE_NUMS ? Array.from({ length: nums }, (_, k) => `v === q${k}`).join(' || ') : 'na.isNumber(v)';
    const scan = `if (buf[i] === ${QUOTE}) { ${bail} } s = i; while (stop[buf[i]] === 0) i++;`;
    switch (kind) {
      case 'skip':
        body.push(`${scan} ${term}`);
        break;
      case 'int64':
      case 'float64': {
        decl.push(`const d${j} = cols[${j}].f64;`);
        // Plain integers while scanning; other numbers (fractions, exponents) through parseNumber,
        // then missing values (floats only: in int columns they are an error).
        // A numeric NA value makes a float missing; in an int column it is the general loop's error.
        const plainStore =
          numNa === ''
            ? `d${j}[row] = neg ? -v : v;`
            : kind === 'int64'
              ? `if (neg) v = -v; if (${numNa}) { ${bail} } d${j}[row] = v;`
              : `if (neg) v = -v; d${j}[row] = ${numNa} ? NaN : v;`;
        const numStore = numNa === '' ? `d${j}[row] = v;` : `d${j}[row] = ${numNa} ? NaN : v;`;
        // Floats: a plain decimal (digits '.' digits, at most 15 digits in all) is finished here
        // as parseNumber would (one exact mantissa, one correctly rounded division), without
        // scanning the field again; anything else goes through parseNumber.
        const decimal = `
            q = -1;
            if (buf[p] === 46) { q = p + 1; while ((c = buf[q] - 48) >= 0 && c <= 9) { v = v * 10 + c; q++; } }
            if (q - s > 1 && q - s <= 16 && stop[buf[q]] === 1) { v = v / POW10[q - p - 1]; if (neg) v = -v; ${numStore} i = q; }
            else { ${scan} v = parseNumber(buf, s, i); if (v === v) { ${numStore} } else if (${isNa}) d${j}[row] = NaN; else { ${bail} } }`;
        body.push(`
          p = i; neg = buf[p] === 45; if (neg) p++; v = 0; s = p;
          while ((c = buf[p] - 48) >= 0 && c <= 9) { v = v * 10 + c; p++; }
          if (p > s && p - s <= 15 && stop[buf[p]] === 1) { ${plainStore} i = p; }
          else ${kind === 'int64' ? `{ ${bail} }` : `{ ${decimal} }`}
          ${term}`);
        break;
      }
      case 'int32':
        decl.push(`const d${j} = cols[${j}].i32;`);
        body.push(`
          p = i; neg = buf[p] === 45; if (neg) p++; v = 0; s = p;
          while ((c = buf[p] - 48) >= 0 && c <= 9) { v = v * 10 + c; p++; }
          if (p > s && p - s <= 9) { if (neg) v = -v; ${numNa === '' ? '' : `if (${numNa}) { ${bail} } `}d${j}[row] = v; i = p; } else { ${bail} }
          ${term}`);
        break;
      case 'bool':
        decl.push(`const d${j} = cols[${j}].u8;`);
        // NA spellings that read as bools (naValues: ['False']) win, as in pandas.
        body.push(`${scan} ${naBool ? `if (${isNa}) d${j}[row] = 2; else ` : ''}{ v = isBoolText(buf, s, i); if (v < 0) { ${bail} } d${j}[row] = v; } ${term}`);
        break;
      case 'datetime':
        decl.push(`const d${j} = cols[${j}].f64;`);
        body.push(`${scan} if (${isNa}) d${j}[row] = NaN; else { v = parseIsoBytes(buf, s, i); if (v !== v) { ${bail} } d${j}[row] = v; } ${term}`);
        break;
      case 'string':
        decl.push(`const t${j} = cols[${j}].text, c${j} = cols[${j}].i32; let e${j} = -1, bits${j} = 0;`);
        commits.push(`if (e${j} >= 0) { t${j}.bits |= bits${j}; c${j}[row] = t${j}.commit(e${j}, row); }`);
        body.push(`
          if (buf[i] === ${QUOTE}) { ${bail} }
          s = i;
          e${j} = -1;
          if (t${j}.mode === ${RAW}) {
            // Copy while scanning; a write past the arena's end is dropped, and then we bail
            // (the general loop grows the arena). The entry is committed once the row is complete,
            // so a row given up on leaves no copy behind.
            const ar = t${j}.arena, av = t${j}.view, wend = ar.length - 4; w = t${j}.used; bits = 0;
            // Four bytes at a time while none of them ends the field, then byte by byte.
            while (i < wordEnd && w <= wend) {
              x = bv.getInt32(i, true);
              y = x ^ ${splat(sep)}; z = x ^ ${splat(LF)}; b = x ^ ${splat(CR)};
              if ((((y - 0x01010101) & ~y) | ((z - 0x01010101) & ~z) | ((b - 0x01010101) & ~b)) & 0x80808080) break;
              av.setInt32(w, x, true); bits |= x; i += 4; w += 4;
            }
            bits = (bits & 0x80808080) === 0 ? 0 : 0x80; // only 'some byte >= 0x80' matters
            while (stop[b = buf[i]] === 0) { bits |= b; ar[w++] = b; i++; }
            if (w > ar.length) { ${bail} }
            if (${isNa}) c${j}[row] = -1; else { e${j} = w; bits${j} = bits; }
          } else if (t${j}.mode === ${HASH}) {
            h = ${FNV_SEED}; while (stop[b = buf[i]] === 0) { h = Math.imul(h ^ b, ${FNV_PRIME}); i++; }
            c${j}[row] = ${isNa} ? -1 : t${j}.lookup(buf, s, i, finalHash(h), row);
          } else {
            while (stop[buf[i]] === 0) i++;
            c${j}[row] = ${isNa} ? -1 : t${j}.code(buf, s, i, row);
          }
          ${term}`);
        break;
    }
  });
  const source = `
    'use strict';
    const { parseNumber, parseIsoBytes, isBoolText, finalHash } = helpers;
    const stop = new Uint8Array(256);
    stop[${sep}] = stop[${LF}] = stop[${CR}] = 1;
    const POW10 = new Float64Array([${POW10.join(', ')}]);
    return function fastRows(buf, i, end, row, cap, cols, na, out) {
      ${decl.join('\n      ')}
      const naFirst = na.first, naEmpty = na.hasEmpty;
      ${Array.from({ length: Math.min(nums, INLINE_NUMS) }, (_, k) => `const q${k} = na.nums[${k}];`).join(' ')}
      const bv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength), wordEnd = end - 4;
      let p = 0, q = 0, v = 0, c = 0, s = 0, w = 0, b = 0, h = 0, bits = 0, neg = false, x = 0, y = 0, z = 0;
      rows: while (i < end && row < cap) {
        const rowStart = i;
        if (buf[i] === ${LF} || buf[i] === ${CR}) break; // a blank line: the general loop skips it
        ${body.join('\n')}
        ${commits.join('\n        ')}
        row++;
      }
      out.row = row;
      return i;
    };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the row loop is generated for this column layout; compiling its source is the point
  const build = new Function('helpers', source) as (h: FastHelpers & { finalHash: typeof finalHash }) => FastRows;
  return build({ ...helpers, finalHash });
}
