/** Errors on the wire: a task's error as it travels between processes, and a refused message. */

/** A message that is not what the protocol says: unknown operation or a wrong field. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  constructor(
    message: string,
    /** The operation of the refused message, when it had one. */
    readonly op: string | undefined,
    /** The first wrong field ('op' for an unknown operation), as a path such as `tasks[3].spec`. */
    readonly field: string | undefined,
    /** For a refused hello: the websocket close code (4000 bad hello, 4002 version mismatch). */
    readonly closeCode = 4000,
  ) {
    super(message);
  }
}

/** An error as it travels between processes: enough to rebuild a readable Error. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** Key of the task that raised it, when it came from a task. */
  taskKey?: string;
  /** Extra machine-readable kind: 'killed-worker', 'lost-data', 'cancelled', 'serialization', ... */
  kind?: string;
}

function stringField(err: Error, field: 'taskKey' | 'kind'): string | undefined {
  if (!(field in err)) return undefined;
  const v: unknown = Reflect.get(err, field);
  return typeof v === 'string' ? v : undefined;
}

export function toWireError(err: unknown, taskKey?: string, kind?: string): WireError {
  if (err instanceof Error) {
    return { name: err.name, message: err.message, stack: err.stack, taskKey: taskKey ?? stringField(err, 'taskKey'), kind: kind ?? stringField(err, 'kind') };
  }
  let text: string;
  try {
    text = typeof err === 'string' ? err : JSON.stringify(err);
  } catch {
    text = Object.prototype.toString.call(err);
  }
  return { name: 'Error', message: `task threw a non-Error value: ${text}`, taskKey, kind };
}
