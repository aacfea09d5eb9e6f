/** CSV errors always say where: file, line and (when it applies) column, value and the fix. */
export class CsvError extends Error {
  override name = 'CsvError';
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(message);
  }
}

/** 1-based line number of byte `offset` (counts newlines; only called on the error path). */
export function lineAt(buf: Uint8Array, offset: number, firstLine = 1): number {
  let line = firstLine;
  for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === 10) line++;
  return line;
}
