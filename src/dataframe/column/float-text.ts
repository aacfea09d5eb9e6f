/**
 * Floats as Python writes them (repr / str), so text made from float columns reads as pandas'
 * does: -130.0, -0.0, 1e+20, 1.5e-07, 0.1. The digits are the shortest that read back to the
 * same double (JS and Python agree on those); only the layout differs from String(x).
 */
export function pythonFloatText(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  // toExponential() without a digit count gives the shortest round-trip digits: "d.ddde+N".
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const rest = digits.slice(1);
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${rest === '' ? '' : `.${rest}`}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac === '' ? '0' : frac}`;
}
