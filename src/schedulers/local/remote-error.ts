/** A task's error reported by an executor (protocol RemoteError), rebuilt on the main thread. */
import type { RemoteError } from './protocol.js';

const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The task's error as raised where it ran: same class when built in, message, remote stack. */
export function rebuildError(info: RemoteError, where: string): Error {
  const C = ERROR_CLASSES[info.name] ?? Error;
  const e = new C(info.message);
  if (!(info.name in ERROR_CLASSES)) Object.defineProperty(e, 'name', { value: info.name, configurable: true, writable: true, enumerable: false });
  if (info.props !== undefined) Object.assign(e, info.props);
  const stack = info.stack ?? `${info.name}: ${info.message}`;
  e.stack = `${stack}\n    at <${where}>`;
  return e;
}
