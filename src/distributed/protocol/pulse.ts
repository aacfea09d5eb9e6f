/** What a worker's pulse thread (worker/pulse.ts) tells the scheduler on its own connection. */
import { message, messageParser, number } from './check.js';

/** The worker's process is alive and working, although its event loop has been busy for `busyMs`. */
export interface Pulse {
  op: 'pulse';
  busyMs: number;
}

export const toPulse = {
  pulse: (busyMs: number): Pulse => ({ op: 'pulse', busyMs }),
};

export const parsePulse = messageParser<Pulse>('a worker pulse thread', {
  pulse: message<Pulse>({ busyMs: number }),
});
