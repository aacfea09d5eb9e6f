/** Exit codes of a worker process, which its nanny reads to decide whether to restart it. */
export const EXIT = {
  /** Asked to close: do not restart. */
  CLOSED: 0,
  /** Lost the scheduler: restart (the new worker reconnects or gives up). */
  SCHEDULER_LOST: 3,
  /** Never reached the scheduler within the death timeout: stop. */
  NO_SCHEDULER: 4,
  /** Asked to restart (client.restart). */
  RESTART: 5,
  /** The scheduler refused us (token, version): restarting would not help. */
  REFUSED: 6,
} as const;
