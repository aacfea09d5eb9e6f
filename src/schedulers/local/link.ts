/**
 * A raw message link (a worker thread's port or a child process's IPC channel) split into
 * two comlink endpoints: 'call' carries main -> executor calls, 'back' executor -> main calls.
 * Keeping them apart means each side exposes one API and wraps the other's, with no mix-up of
 * requests and replies.
 */
import type { Endpoint } from 'comlink';
import type { RawLink } from '../../executor/spawn.js';

type Channel = 'call' | 'back';
interface Envelope {
  c: Channel;
  m: unknown;
}
type Listener = (ev: { data: unknown }) => void;

export function channels(link: RawLink): Record<Channel, Endpoint> {
  const listeners: Record<Channel, Set<Listener>> = { call: new Set(), back: new Set() };
  link.onMessage((msg) => {
    const env = msg as Envelope;
    if (env === null || typeof env !== 'object' || (env.c !== 'call' && env.c !== 'back')) return;
    const ev = { data: env.m };
    for (const l of listeners[env.c]) l(ev);
  });
  const endpoint = (c: Channel): Endpoint => ({
    postMessage(m: unknown, transfer?: unknown[]) {
      link.send({ c, m } satisfies Envelope, (transfer ?? []) as ArrayBuffer[]);
    },
    addEventListener(_type: string, l: unknown) {
      listeners[c].add(typeof l === 'function' ? (l as Listener) : (ev) => (l as { handleEvent: Listener }).handleEvent(ev));
    },
    removeEventListener(_type: string, l: unknown) {
      listeners[c].delete(l as Listener);
    },
  });
  return { call: endpoint('call'), back: endpoint('back') };
}
