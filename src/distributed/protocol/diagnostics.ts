/**
 * Diagnostics requests: a statistical profile (client -> scheduler, scheduler -> worker) and a
 * worker's recent log lines (scheduler -> worker), with their replies' parsers.
 */
import type { ProfileData, ProfileNode } from '../../diagnostics/profiler.js';
import {
  type Check,
  integer,
  isRecord,
  literal,
  message,
  number,
  optional,
  type Parse,
  type Problem,
  recordOf,
  recordParser,
  string,
  strings,
} from './check.js';

/** Sample the threads for `durationMs` and answer with a ProfileData (workers answer with their part). */
export interface ProfileRequest {
  op: 'profile';
  rid?: number;
  durationMs: number;
}

/** Answer with the worker's recent log lines. */
export interface LogsRequest {
  op: 'get-logs';
  rid?: number;
}

/**
 * A performance report (client -> scheduler): 'start' answers { id }; 'stop' with that id
 * answers { data }, the recorded report as JSON text (dashboard/recorder.ts ReportData).
 */
export interface ReportRequest {
  op: 'report';
  rid?: number;
  phase: 'start' | 'stop';
  id: number;
}

export const toDiagnostics = {
  profile: (durationMs: number): ProfileRequest => ({ op: 'profile', durationMs }),
  logs: (): LogsRequest => ({ op: 'get-logs' }),
  report: (phase: 'start' | 'stop', id = 0): ReportRequest => ({ op: 'report', phase, id }),
};

const rid = optional(integer);
export const profileRequest = message<ProfileRequest>({ rid, durationMs: number });
export const logsRequest = message<LogsRequest>({ rid });
export const reportRequest = message<ReportRequest>({ rid, phase: literal('start', 'stop'), id: integer });

/** A call tree (recursive, so checked by hand; at most 200 levels deep). */
export const profileNode: Check<ProfileNode> = (v, f, p: Problem): v is ProfileNode => {
  const walk = (n: unknown, depth: number): boolean =>
    depth < 200 &&
    isRecord(n) &&
    typeof n.name === 'string' &&
    typeof n.where === 'string' &&
    typeof n.count === 'number' &&
    Array.isArray(n.children) &&
    n.children.every((c) => walk(c, depth + 1));
  if (walk(v, 0)) return true;
  p.expected = 'a profile tree { name, where, count, children }';
  p.got = v;
  return false;
};

export const parseProfileReply: Parse<ProfileData> = recordParser<ProfileData>('profile reply', {
  interval: number,
  duration: number,
  groups: recordOf(profileNode, 'profile trees'),
  workers: strings,
});

export const parseLogsReply: Parse<{ lines: readonly string[] }> = recordParser<{ lines: readonly string[] }>('logs reply', { lines: strings });

export const parseReportStarted: Parse<{ id: number }> = recordParser<{ id: number }>('report start reply', { id: integer });
export const parseReportData: Parse<{ data: string }> = recordParser<{ data: string }>('report reply', { data: string });
