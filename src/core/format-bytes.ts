/**
 * Bytes in binary units as people read them. 'exact' keeps two decimals (1.50 GiB: log lines and
 * error messages, where two sizes are compared); 'short' keeps about three figures (1.5 GiB,
 * 153 MiB: tables and summaries).
 */
export function formatBytes(n: number, style: 'exact' | 'short' = 'exact'): string {
  if (n <= 0) return '0 B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 ? 0 : style === 'exact' ? 2 : v >= 100 ? 0 : 1;
  return `${v.toFixed(digits)} ${units[i]}`;
}
