/**
 * String order by Unicode code points, as Python (and so pandas) compares text. JavaScript's
 * `<` compares UTF-16 code units, which agrees with code points except where an astral
 * character (a surrogate pair, D800-DFFF) meets a character in U+E000-U+FFFF: code units put
 * the astral one first, code points last. So comparisons use the native order and fix up
 * only when both strings hold a unit of D800 or above.
 */

const HIGH_UNIT = /[\uD800-\uFFFF]/;

/** True when `s` holds a code unit where UTF-16 and code-point order can disagree. */
export function hasHighUnit(s: string): boolean {
  return HIGH_UNIT.test(s);
}

/** Code-point comparison of two strings that both hold high units: walk to the first difference. */
function compareHigh(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (astral code points) rank above U+E000-U+FFFF: shift the two ranges past each other.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Code-point order, as Python compares strings: -1, 0 or 1. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (hasHighUnit(a) && hasHighUnit(b)) return compareHigh(a, b);
  return a < b ? -1 : 1;
}

const nativeOrder = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

/**
 * A comparator for many comparisons among the values of some dictionaries: the plain native
 * order when no value holds a high unit (one scan up front instead of one per comparison).
 */
export function stringComparator(...dicts: ReadonlyArray<readonly string[]>): (a: string, b: string) => number {
  for (const d of dicts) for (const s of d) if (hasHighUnit(s)) return compareStrings;
  return nativeOrder;
}
