/** Worker to worker: a worker fetches the inputs of its tasks straight from the peers holding them. */
import { integer, message, messageParser, optional, recordParser, strings } from './check.js';
import { type KeyError, keyErrors, type StoredValue, storedValues } from './records.js';

export interface GetData {
  op: 'get-data';
  rid?: number;
  keys: readonly string[];
}

export type PeerRequest = GetData;

export interface GetDataReply {
  values: readonly StoredValue[];
  /** Keys the peer does not hold (anymore). */
  missing: readonly string[];
  /** Values the peer holds but cannot send (they do not serialize). */
  errors: readonly KeyError[];
}

export const toPeer = {
  getData: (keys: readonly string[]): GetData => ({ op: 'get-data', keys }),
};

export const parsePeerRequest = messageParser<PeerRequest>('a peer worker', {
  'get-data': message<GetData>({ rid: optional(integer), keys: strings }),
});

export const parseGetDataReply = recordParser<GetDataReply>('get-data reply', { values: storedValues, missing: strings, errors: keyErrors });
