/** What the disk shuffle tests share: their join inputs and a count of the shuffle's files. */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Join inputs written to `dir` as `<name>-left.csv` (id, k with `keys` keys, v: `n` rows) and
 * `<name>-right.csv` (two rows per key: k, w). Deterministic, ints only.
 */
export function writeJoinData(dir: string, name: string, n: number, keys: number): { left: string; right: string } {
  const l = ['id,k,v'];
  for (let i = 0; i < n; i++) l.push(`${i},${(i * 7919) % keys},${(i * 31) % 1000}`);
  const r = ['k,w'];
  for (let j = 0; j < 2 * keys; j++) r.push(`${j % keys},${j}`);
  const left = join(dir, `${name}-left.csv`);
  const right = join(dir, `${name}-right.csv`);
  writeFileSync(left, l.join('\n') + '\n');
  writeFileSync(right, r.join('\n') + '\n');
  return { left, right };
}

/**
 * Shuffle piece files (*.bin) below `shuffleDir`, on every worker that shares it: how many and
 * their total bytes. Workers create and delete them while this walks, so a missing directory
 * or file is skipped, not an error.
 */
export function shuffleFiles(shuffleDir: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return; // not created yet, or removed while walking
    }
    for (const name of names) {
      const p = join(d, name);
      try {
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else if (name.endsWith('.bin')) {
          count++;
          bytes += s.size;
        }
      } catch {
        // removed while walking
      }
    }
  };
  walk(shuffleDir);
  return { count, bytes };
}
