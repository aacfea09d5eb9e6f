/** Task functions shared by the generic suites; exported so every scheduler can load them. */
export function inc(x: number): number {
  return x + 1;
}
export function double(x: number): number {
  return x * 2;
}
export function add(x: number, y: number): number {
  return x + y;
}
export function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
/** The seed's calc_mean: mean and std of n normal draws from a seeded generator. */
export function calcMean(i: number, n: number): [number, number] {
  let state = (i + 1) * 2654435761;
  const uniform = (): number => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return (state + 0.5) / 4294967296;
  };
  let s = 0;
  let s2 = 0;
  for (let k = 0; k < n; k++) {
    const z = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    s += z;
    s2 += z * z;
  }
  const mean = s / n;
  return [mean, Math.sqrt(s2 / n - mean * mean)];
}
export function boom(x: number): number {
  throw new RangeError(`boom: ${x} is not allowed`);
}
