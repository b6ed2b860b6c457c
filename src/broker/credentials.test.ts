import { describe, expect, it } from 'vitest';
import { mergeAuth, redactUrl, splitUrl } from './credentials.js';

describe('NATS credentials', () => {
  it('takes user and password, or a token, out of each URL, and keeps tls://', () => {
    expect(splitUrl('nats://saga:p%40ss@h1:4222,tls://tok@h2:4443')).toEqual({ servers: ['nats://h1:4222', 'tls://h2:4443'], auth: { user: 'saga', pass: 'p@ss', token: 'tok', requireTls: true } });
    expect(splitUrl('127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'], auth: {} });
  });

  it('redacts every secret in a URL, a list of them, or a message quoting one', () => {
    expect(redactUrl('nats://saga:s3cret@h:4222')).toBe('nats://saga:***@h:4222');
    expect(redactUrl('tls://t0ken@h:1,nats://u:p@h:2')).toBe('tls://***@h:1,nats://u:***@h:2');
    expect(redactUrl('failed: nats://u:p@h:2 refused')).toBe('failed: nats://u:***@h:2 refused');
    expect(redactUrl('nats://h:4222')).toBe('nats://h:4222');
  });

  it('lets flags and environment override the URL', () => {
    expect(mergeAuth({ user: 'a', pass: 'b' }, { pass: 'c', tls: { caFile: 'ca.pem' } })).toEqual({ user: 'a', pass: 'c', tls: { caFile: 'ca.pem' } });
  });
});
