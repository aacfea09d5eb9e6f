/** A link over one websocket: a batch travels as one binary websocket message (protocol/wire.ts). */
import type WebSocket from 'ws';
import { packMessage, ProtocolError, unpackMessage } from '../protocol/index.js';
import type { Link, LinkEvents } from './link.js';

export class WebSocketLink implements Link {
  constructor(
    readonly ws: WebSocket,
    /** Who is at the other end, for error messages. */
    private readonly peer: string,
  ) {
    ws.binaryType = 'nodebuffer';
  }

  attach(events: LinkEvents): void {
    const ws = this.ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        events.broken(new ProtocolError(`${this.peer} sent a text message; tsdask speaks binary batches`, undefined, undefined));
        ws.terminate();
        return;
      }
      let batch: { messages: readonly unknown[]; frames: Uint8Array[] };
      try {
        batch = unpackMessage(data);
      } catch (e) {
        // Without a readable header there is no message to answer: the stream cannot be trusted.
        events.broken(e);
        ws.terminate();
        return;
      }
      events.batch(batch.messages, batch.frames);
    });
    ws.on('close', (code: number, reason: Buffer) => events.closed(code, reason.toString()));
    ws.on('error', (err: Error) => events.error(err));
  }

  send(messages: readonly object[], frames: readonly Uint8Array[]): void {
    this.ws.send(packMessage(messages, frames), { binary: true });
  }

  close(code: number, reason: string): void {
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    // A peer that never answers the close handshake must not keep us alive.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
