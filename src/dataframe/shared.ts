/**
 * A partition in shared memory (threads scheduler): numeric columns and string codes as views
 * of SharedArrayBuffers, string dictionaries as shared UTF-8 bytes plus offsets (StringBytes).
 * Each thread that reads a dictionary decodes it once into its own JS strings (strings cannot
 * be shared between threads); the bytes themselves are never copied again.
 */
import { isShared, SHARE_BYTES, sharedInt32, sharedUint8, toShared } from '../core/shared/memory.js';
import { type Column, Frame, lazyStringColumn, sameAlias, StringBytes, stringBytesOf } from './frame.js';

/** `f` with its columns in shared memory (`f` itself when it is small or already shared). */
export function shareFrame(f: Frame): Frame {
  // Rows times columns at 4 bytes or more a cell (no column is read: reading forces lazy ones).
  if (f.length * (f.columns.length + 1) * 4 < SHARE_BYTES) return f;
  let changed = false;
  const share = (c: Column): Column => {
    const s = shareColumn(c);
    if (s !== c) changed = true;
    return s;
  };
  const cols = f.columns.map(share);
  const index = f.index === undefined ? undefined : share(f.index);
  return changed ? new Frame(f.names, cols, f.length, index) : f;
}

export function shareColumn(c: Column): Column {
  if (c.dtype !== 'string') return isShared(c.data) ? c : { dtype: c.dtype, data: toShared(c.data) };
  const codes = toShared(c.data as Int32Array);
  const raw = stringBytesOf(c);
  if (raw !== undefined) {
    if (codes === c.data && isShared(raw.bytes) && isShared(raw.offsets)) return c;
    const bytes = isShared(raw.bytes) && isShared(raw.offsets) ? raw : new StringBytes(toShared(raw.bytes), toShared(raw.offsets), raw.oneByte);
    return sameAlias(lazyStringColumn(codes, bytes), c);
  }
  return sameAlias(lazyStringColumn(codes, sharedDictionary(c.dict ?? [])), c);
}

/** A dictionary as shared UTF-8 bytes; this thread keeps the strings it already has. */
function sharedDictionary(dict: readonly string[]): StringBytes {
  const n = dict.length;
  // One C++ encode of the entries joined by NUL, then one pass that drops the separators and
  // records where each entry ends: no per-entry call.
  const joined = Buffer.from(dict.join('\u0000'), 'utf8');
  const offsets = sharedInt32(n + 1);
  const bytes = sharedUint8(Math.max(0, joined.length - (n - 1)));
  let k = 0;
  let out = 0;
  let high = 0;
  for (let i = 0; i < joined.length; i++) {
    const b = joined[i];
    if (b === 0) {
      if (++k >= n) return perEntry(dict);
      offsets[k] = out;
    } else {
      if (out >= bytes.length) return perEntry(dict);
      bytes[out++] = b;
      high |= b;
    }
  }
  if (n > 0 && k !== n - 1) return perEntry(dict); // an entry held NUL itself
  offsets[n] = out;
  return new StringBytes(bytes, offsets, high < 0x80, [...dict]);
}

/** Entries that hold NUL: encoded one by one. */
function perEntry(dict: readonly string[]): StringBytes {
  const n = dict.length;
  const offsets = sharedInt32(n + 1);
  let total = 0;
  let high = 0;
  for (let k = 0; k < n; k++) {
    total += Buffer.byteLength(dict[k], 'utf8');
    offsets[k + 1] = total;
  }
  const bytes = sharedUint8(total);
  const buf = Buffer.from(bytes.buffer, 0, total);
  for (let k = 0; k < n; k++) buf.write(dict[k], offsets[k], 'utf8');
  for (let i = 0; i < total; i++) high |= bytes[i];
  return new StringBytes(bytes, offsets, high < 0x80, [...dict]);
}
