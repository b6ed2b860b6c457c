import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { EmbeddedServer } from '../../src/broker/embedded-server.js';
import { connectBroker } from '../../src/broker/connection.js';
import { ReplyError, ReplyMux } from '../../src/broker/reply-mux.js';
import { PublishRejectedError, publishToStream } from '../../src/broker/stream-publish.js';
import { startNats } from '../helpers/nats.js';

let server: EmbeddedServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNats();
  nc = await connectBroker(server.url, 'reply-mux-test');
  await (await jetstreamManager(nc)).streams.add({ name: 'MUX', subjects: ['mux.>'] });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const body = new TextEncoder().encode('{}');

describe('publishes and requests over one reply subscription', () => {
  it('a publish resolves with its stream sequence once stored; a repeated message id is stored once', async () => {
    const mux = new ReplyMux(nc);
    const stored = await Promise.all(Array.from({ length: 200 }, (_, i) => publishToStream(mux, 'mux.a', body, { msgID: `a-${i}` })));
    expect(new Set(stored.map((s) => s.seq)).size).toBe(200);
    expect(stored.some((s) => s.duplicate)).toBe(false);
    // The repeat is acknowledged with the first one's sequence, and marked as dropped.
    const again = await publishToStream(mux, 'mux.a', body, { msgID: 'a-7' });
    expect(again).toEqual({ seq: stored[7]?.seq, duplicate: true });
    const info = await (await jetstreamManager(nc)).streams.info('MUX', { subjects_filter: 'mux.a' });
    expect(info.state.subjects?.['mux.a']).toBe(200);
    mux.close();
  });

  it('a stream refusing an expectation rejects with its error code; no stream is "no responders"', async () => {
    const mux = new ReplyMux(nc);
    const { seq: first } = await publishToStream(mux, 'mux.kv', body);
    const expect1 = headers();
    expect1.set('Nats-Expected-Last-Subject-Sequence', String(first - 1));
    const conflict = await publishToStream(mux, 'mux.kv', body, { headers: expect1 }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(PublishRejectedError);
    expect((conflict as PublishRejectedError).errCode).toBe(10071);
    const expect2 = headers();
    expect2.set('Nats-Expected-Last-Subject-Sequence', String(first));
    expect((await publishToStream(mux, 'mux.kv', body, { headers: expect2 })).seq).toBeGreaterThan(first);
    await expect(publishToStream(mux, 'nowhere.at.all', body)).rejects.toThrow(ReplyError);
    mux.close();
  });

  it('a request nobody answers times out; closing fails what is still waiting', async () => {
    const silent = nc.subscribe('mux-silent', { callback: () => undefined });
    const mux = new ReplyMux(nc, 300);
    const started = Date.now();
    await expect(mux.request('mux-silent', body)).rejects.toThrow('no reply within 300 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const waiting = mux.request('mux-silent', body);
    mux.close();
    await expect(waiting).rejects.toThrow('the connection closed before a reply came');
    silent.unsubscribe();
  });
});
