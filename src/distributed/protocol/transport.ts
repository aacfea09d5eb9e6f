/**
 * Messages of the connection itself, in every direction: the reply to a request, and the
 * notice that a message was refused (so a peer that sent a malformed one hears why).
 */
import type { Problem } from './check.js';
import type { WireError } from './errors.js';
import { wireError } from './records.js';

export interface Reply {
  op: 'reply';
  rid: number;
  /** The answer's fields (request-specific: each request names its reply parser). */
  result?: object;
  error?: WireError;
}

export interface Refused {
  op: 'protocol-error';
  message: string;
  /** The operation of the refused message. */
  refused?: string;
}

export type TransportMessage = Reply | Refused;

export interface ReplyEnvelope {
  rid: number;
  result: unknown;
  error: WireError | undefined;
}

const problem: Problem = { path: '', expected: '', got: undefined };

/** A reply's id, result and error, or what is wrong with it. */
export function replyEnvelope(raw: Record<string, unknown>): ReplyEnvelope | string {
  const rid = raw.rid;
  if (typeof rid !== 'number') return "a reply without a numeric 'rid'";
  const error = raw.error;
  if (error === undefined) return { rid, result: raw.result, error: undefined };
  if (!wireError(error, 0, problem)) return `reply ${rid}: field 'error.${problem.path}' must be ${problem.expected}`;
  return { rid, result: undefined, error };
}

export function refusedNotice(raw: Record<string, unknown>): { message: string; refused: string | undefined } {
  return {
    message: typeof raw.message === 'string' ? raw.message : 'a message was refused',
    refused: typeof raw.refused === 'string' ? raw.refused : undefined,
  };
}
