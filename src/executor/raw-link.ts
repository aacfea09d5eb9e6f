/** A raw message link to an executor: a worker thread's port or a child process's IPC channel. */
export interface RawLink {
  send(message: unknown, transfer: readonly ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
}
