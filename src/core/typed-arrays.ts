/**
 * The typed array constructors tsdask carries between processes, in one fixed order: the IPC
 * link sends a kind as its index in this list, so both ends must agree on it (append only).
 * DataView and Buffer are views too, but each caller handles them on its own terms.
 */
export const TYPED_ARRAY_KINDS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;
