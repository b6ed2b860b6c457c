import { headers as newHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { SagaSimError } from '../errors.js';
import type { ReplyMux } from './reply-mux.js';

/** JetStream answered a publish with an error (no stream, a rejected expectation, storage). */
export class PublishRejectedError extends SagaSimError {
  override name = 'PublishRejectedError';
  /** JetStream's error code, e.g. 10071 for a wrong last sequence (a revision conflict). */
  errCode?: number;
}

interface PubAck {
  stream?: string;
  seq?: number;
  /** The stream already held a message with this Nats-Msg-Id: nothing new was stored or delivered. */
  duplicate?: boolean;
  error?: { code: number; err_code?: number; description?: string };
}

const decoder = new TextDecoder();

/**
 * A JetStream publish: resolves once the stream has stored the message (its PubAck), over the
 * shared reply subscription. `msgID` sets Nats-Msg-Id, so the stream drops a repeat within its
 * duplicate window; a repeat is acknowledged with the first one's sequence and `duplicate`.
 */
export async function publishToStream(mux: ReplyMux, subject: string, data: Uint8Array, options: { msgID?: string; headers?: MsgHdrs } = {}): Promise<Stored> {
  let headers = options.headers;
  if (options.msgID !== undefined) {
    headers ??= newHeaders();
    headers.set('Nats-Msg-Id', options.msgID);
  }
  const reply = await mux.request(subject, data, headers);
  let ack: PubAck;
  try {
    ack = JSON.parse(decoder.decode(reply.data)) as PubAck;
  } catch {
    throw new PublishRejectedError(`publish to ${subject}: the reply is not a JetStream PubAck`);
  }
  if (ack.error) {
    const error = new PublishRejectedError(`publish to ${subject}: ${ack.error.description ?? `error ${ack.error.code}`}`);
    error.errCode = ack.error.err_code;
    throw error;
  }
  if (!ack.stream || typeof ack.seq !== 'number') throw new PublishRejectedError(`publish to ${subject}: the reply is not a JetStream PubAck`);
  return { seq: ack.seq, duplicate: ack.duplicate === true };
}

/** Where the stream holds a published message, and whether this publish was a repeat it dropped. */
export interface Stored {
  seq: number;
  duplicate: boolean;
}
