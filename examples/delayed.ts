/**
 * The seed course's delayed examples: run with `npx ts-node examples/delayed.ts`
 * (or `npx tsx examples/delayed.ts`). Pass a scheduler name to choose one: `... processes`.
 */
import { compute, config, delayed, shutdownSchedulers, type SchedulerName } from 'tsdask';

function inc(x: number): number {
  return x + 1;
}
function double(x: number): number {
  return x * 2;
}
function add(x: number, y: number): number {
  return x + y;
}
function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
/** Mean and std of n pseudo-normal draws, seeded by i (like the seed's calc_mean). */
function calcMean(i: number, n: number): [number, number] {
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

async function main(): Promise<void> {
  const scheduler = (process.argv[2] ?? 'threads') as SchedulerName;
  config.set({ scheduler });

  const output = [];
  for (const x of [1, 2, 3, 4, 5]) {
    const a = delayed(inc)(x);
    const b = delayed(double)(x);
    output.push(delayed(add)(a, b));
  }
  const total = delayed(sum)(output);
  console.log('total =', await total.compute());

  const futures = Array.from({ length: 10 }, (_, i) => delayed(calcMean)(i, 100_000));
  const [results] = await compute(futures);
  console.log('calcMean replicates:', results.map(([m, s]) => `${m.toFixed(4)}±${s.toFixed(3)}`).join(' '));

  const incD = delayed((x: number) => x + 1, { name: 'inc' });
  const [nested] = await compute([[incD(1), incD(2)], [delayed(add)(incD(3), 4)]]);
  console.log('nested =', JSON.stringify(nested));
  await shutdownSchedulers();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
