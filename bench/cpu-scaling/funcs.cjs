// The seed's calc_mean in JavaScript: mean and standard deviation of n normal draws
// (Box-Muller over a seeded linear congruential generator). Exported from a module, so
// threads and processes load it by path.
exports.calcMean = function calcMean(i, n) {
  let state = ((i + 1) * 2654435761) % 4294967296;
  const uniform = () => {
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
};
