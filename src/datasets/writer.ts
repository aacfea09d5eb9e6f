/** Shared pieces of the dataset generators: a buffered CSV line writer and the result shape. */
import { closeSync, openSync, writeSync } from 'node:fs';

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
