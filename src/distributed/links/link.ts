/**
 * What carries a Connection's batches to its peer: a websocket (websocket.ts), or a direct
 * hand-over between two ends in one process (in-process.ts). The Connection above does the
 * batching, request/reply and the checking of every received message; a link only moves
 * batches and reports how it ended.
 */

/** What a link reports to the Connection that owns it. */
export interface LinkEvents {
  /** A batch arrived: its messages (not checked yet) and the frames their payloads point into. */
  batch(messages: readonly unknown[], frames: Uint8Array[]): void;
  /** What arrived cannot be read as a batch: the stream cannot be trusted (the link terminates itself). */
  broken(error: unknown): void;
  /** The link failed (the close that follows says how it ended). */
  error(error: Error): void;
  /** The link is closed; no more batches arrive. */
  closed(code: number, reason: string): void;
}

export interface Link {
  /** Start reporting to `events` (the Connection calls this once, in its constructor). */
  attach(events: LinkEvents): void;
  /** Carry one batch. The link owns `messages` and `frames` from here on; after a close, nothing is sent. */
  send(messages: readonly object[], frames: readonly Uint8Array[]): void;
  /** Close in order: batches sent before arrive first, then both ends report `closed(code, reason)`. */
  close(code: number, reason: string): void;
  /** Drop the link at once: both ends report code 1006, what was in flight is lost. */
  terminate(): void;
}
