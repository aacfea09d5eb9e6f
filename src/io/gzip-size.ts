/**
 * The decompressed size of a gzip file, estimated without decompressing it: the trailer's
 * ISIZE (the last 4 bytes: the size modulo 2^32, RFC 1952). A file of several gzip members
 * reports only its last member's size, so this is a lower bound there; a size that wrapped
 * past 4 GiB is lifted back above the compressed size (deflate never shrinks data to nothing).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const WRAP = 2 ** 32;

/** Estimated decompressed bytes of the gzip file at `path` (0 for a file too short to have a trailer). */
export function gzipDecompressedSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 18) return 0; // header (10) + trailer (8): not a complete gzip file
    const trailer = Buffer.alloc(4);
    readSync(fd, trailer, 0, 4, size - 4);
    let isize = trailer.readUInt32LE(0);
    while (isize < size) isize += WRAP;
    return isize;
  } finally {
    closeSync(fd);
  }
}
