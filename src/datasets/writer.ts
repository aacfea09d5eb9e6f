/** Shared pieces of the dataset generators: a seeded RNG and a buffered CSV line writer. */
import { closeSync, openSync, writeSync } from 'node:fs';

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Buffered line writer (writes in ~1MB chunks). */
export class Writer {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  line(s: string): void {
    this.parts.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join('\n') + '\n', 'utf8');
    writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}


export interface GeneratedFiles {
  files: string[];
  bytes: number;
  rows: number[];
}

