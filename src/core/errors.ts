/** Errors raised while running tasks keep their class, message and stack, plus the task key. */

export interface TaskErrorInfo {
  /** The key of the task that raised. */
  taskKey?: string;
}

/**
 * Annotate an error thrown by task `key`: the original object (so `instanceof` still works),
 * its message followed by the key, and the stack with the user's frames intact.
 */
export function annotateTaskError(err: unknown, key: string): Error & TaskErrorInfo {
  if (!(err instanceof Error)) {
    const wrapped = new Error(`task '${key}' threw a non-Error value: ${safeString(err)}`, { cause: err }) as Error & TaskErrorInfo;
    wrapped.taskKey = key;
    return wrapped;
  }
  const e = err as Error & TaskErrorInfo;
  if (e.taskKey !== undefined) return e;
  const note = ` [in task '${key}']`;
  const head = `${e.name}: ${e.message}`;
  const oldMessage = e.message;
  try {
    e.message = oldMessage + note;
    if (typeof e.stack === 'string' && e.stack.startsWith(head)) e.stack = `${e.name}: ${e.message}${e.stack.slice(head.length)}`;
    e.taskKey = key;
  } catch {
    // frozen error objects: wrap instead
    const wrapped = new Error(oldMessage + note, { cause: err }) as Error & TaskErrorInfo;
    wrapped.taskKey = key;
    return wrapped;
  }
  return e;
}

function safeString(x: unknown): string {
  try {
    return typeof x === 'string' ? JSON.stringify(x) : String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}
