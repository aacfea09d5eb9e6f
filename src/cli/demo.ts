/**
 * `npm start`: the seed course in one run on an embedded default dataset. It grows with
 * the product: delayed graphs first, then DataFrames and a LocalCluster when present.
 */
import { compute, config, delayed, getScheduler, shutdownSchedulers } from '../index.js';

const inc = (x: number): number => x + 1;
const double = (x: number): number => x * 2;
const add = (x: number, y: number): number => x + y;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function available(name: string): boolean {
  try {
    getScheduler(name);
    return true;
  } catch {
    return false;
  }
}

export async function demo(_argv: string[]): Promise<number> {
  const scheduler = available('threads') ? 'threads' : 'sync';
  config.set({ scheduler });
  console.log(`tsdask demo — delayed graphs on the '${scheduler}' scheduler\n`);
  const output = [1, 2, 3, 4, 5].map((x) => delayed(add)(delayed(inc)(x), delayed(double)(x)));
  const total = delayed(sum)(output);
  const [t, parts] = await compute(total, output);
  console.log(`inc/double/add over [1..5], then sum: ${t}  (parts ${JSON.stringify(parts)})`);
  await shutdownSchedulers();
  return 0;
}
