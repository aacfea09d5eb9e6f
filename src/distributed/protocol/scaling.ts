/**
 * Scaling requests (client -> scheduler), for clusters whose scheduler runs elsewhere
 * (SSHCluster): the adaptive target computed from the scheduler's own state, and graceful
 * retirement of named workers. Their replies' parsers.
 */
import { integer, listOf, message, number, optional, type Parse, record, recordParser, string, strings } from './check.js';

/** Answer with the adaptive target (scheduler/adaptive-target.ts) for these settings. */
export interface TargetRequest {
  op: 'adaptive-target';
  rid?: number;
  /** Seconds of queued work each thread should have. */
  targetDuration: number;
  threadsPerWorker: number;
}

/** Retire these workers (addresses or names) gracefully; answer once they have left. */
export interface RetireRequest {
  op: 'retire-workers';
  rid?: number;
  workers: readonly string[];
}

export const toScaling = {
  target: (targetDuration: number, threadsPerWorker: number): TargetRequest => ({ op: 'adaptive-target', targetDuration, threadsPerWorker }),
  retire: (workers: readonly string[]): RetireRequest => ({ op: 'retire-workers', workers }),
};

const rid = optional(integer);
export const targetRequest = message<TargetRequest>({ rid, targetDuration: number, threadsPerWorker: integer });
export const retireRequest = message<RetireRequest>({ rid, workers: strings });

export interface TargetReply {
  workers: number;
  why: string;
}
export const parseTargetReply: Parse<TargetReply> = recordParser<TargetReply>('adaptive target reply', { workers: integer, why: string });

export interface RetiredWorker {
  address: string;
  name: string;
  /** Results copied to other workers before it left. */
  moved: number;
  /** Results only it held that could not be moved. */
  lost: number;
}
export interface RetireReply {
  retired: readonly RetiredWorker[];
}
export const parseRetireReply: Parse<RetireReply> = recordParser<RetireReply>('retire reply', {
  retired: listOf(record<RetiredWorker>({ address: string, name: string, moved: integer, lost: integer }), 'retired workers { address, name, moved, lost }'),
});
