/**
 * The string hash shared by the parser (which hashes a field while scanning it), the
 * dictionary builder, the deduplication of raw entries and the merge of byte dictionaries
 * (string-merge.ts): FNV-1a over bytes, then a final
 * mix so the low bits (the table slot) depend on every byte.
 *
 * Hot loops copy these into module-level constants: compilers that turn imports into getters
 * (esbuild/tsx) would otherwise call a getter per byte.
 */
export const FNV_SEED = 0x811c9dc5 | 0;
export const FNV_PRIME = 16777619;

export function finalHash(h: number): number {
  return h ^ (h >>> 15);
}
