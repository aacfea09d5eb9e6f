/** Errors raised by bag kernels (on workers; they come back with the task key attached). */

/** An element has no such key or index (`pluck` without a default). */
export class KeyError extends Error {
  override name = 'KeyError';
}
