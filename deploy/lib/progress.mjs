// @ts-check
/**
 * Progress lines: one per step and node, `[node 2 54.1.2.3] copying 2 files (3.4 MB)`, so a
 * run that stops says how far each node got. Plain lines (no cursor tricks): they read the
 * same in a terminal, a log file and a CI job.
 */

/** @typedef {import('./hosts.mjs').Node} Node */

/** @param {Node} n */
const tag = (n) => `[node ${n.index} ${n.public}]`;

/**
 * @param {Node} n
 * @param {string} text
 */
export function say(n, text) {
  console.log(`${tag(n)} ${text}`);
}

/** @param {string} text */
export function step(text) {
  console.log(`== ${text}`);
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
