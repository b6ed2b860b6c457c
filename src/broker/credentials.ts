import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions } from '@nats-io/transport-node';
import { UsageError } from '../errors.js';

/** How saga-sim authenticates to a NATS server: from the URL, flags or environment. Serialisable, for workers. */
export interface NatsAuth {
  user?: string;
  pass?: string;
  token?: string;
  /** A .creds file (JWT and nkey seed), as nsc writes it. */
  credsFile?: string;
  /** A file holding an nkey seed (SU…). */
  nkeyFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  /** tls:// in the URL, or any TLS file given: TLS is required. */
  requireTls?: boolean;
}

/**
 * The server URLs without their userinfo, and the credentials that were in it:
 * `nats://user:pass@host:4222`, `nats://token@host`, several comma-separated, `tls://` for TLS.
 */
export function splitUrl(url: string): { servers: string[]; auth: NatsAuth } {
  const auth: NatsAuth = {};
  const servers = url.split(',').map((raw) => {
    const text = raw.trim();
    let parsed: URL;
    try {
      parsed = new URL(/^[a-z]+:\/\//i.test(text) ? text : `nats://${text}`);
    } catch {
      throw new UsageError(`--nats-url: cannot parse "${redactUrl(text)}"; expected nats://host:port (or tls://, with user:pass@ or token@)`);
    }
    if (parsed.protocol === 'tls:') auth.requireTls = true;
    if (parsed.username && parsed.password) [auth.user, auth.pass] = [decodeURIComponent(parsed.username), decodeURIComponent(parsed.password)];
    else if (parsed.username) auth.token = decodeURIComponent(parsed.username);
    return `${parsed.protocol === 'tls:' ? 'tls' : 'nats'}://${parsed.host}`;
  });
  return { servers, auth };
}

/** A URL fit to print: any password or token replaced by ***. */
export function redactUrl(url: string): string {
  return url.replace(/(\w+:\/\/)([^@/\s,]+)@/g, (_m, scheme: string, info: string) => `${scheme}${info.includes(':') ? `${info.split(':')[0]}:***` : '***'}@`);
}

/** Flags and environment over what the URL carried (a flag names the secret's source, never the secret). */
export function mergeAuth(fromUrl: NatsAuth, given: NatsAuth): NatsAuth {
  const merged: NatsAuth = { ...fromUrl };
  for (const key of ['user', 'pass', 'token', 'credsFile', 'nkeyFile'] as const) if (given[key] !== undefined) merged[key] = given[key];
  if (given.tls && Object.values(given.tls).some(Boolean)) merged.tls = { ...fromUrl.tls, ...given.tls };
  if (given.requireTls) merged.requireTls = true;
  return merged;
}

/** The nats.js connection options for these credentials. */
export function connectOptionsOf(auth: NatsAuth): Partial<ConnectionOptions> {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new UsageError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  const options: Partial<ConnectionOptions> = {};
  if (auth.user !== undefined) [options.user, options.pass] = [auth.user, auth.pass ?? ''];
  if (auth.token !== undefined) options.token = auth.token;
  if (auth.credsFile) options.authenticator = credsAuthenticator(new Uint8Array(read(auth.credsFile, 'creds')));
  else if (auth.nkeyFile) options.authenticator = nkeyAuthenticator(new TextEncoder().encode(read(auth.nkeyFile, 'nkey seed').toString('utf8').trim()));
  const tls = auth.tls ?? {};
  if (auth.requireTls || tls.caFile || tls.certFile || tls.keyFile) {
    for (const [file, what] of [[tls.caFile, 'CA'], [tls.certFile, 'certificate'], [tls.keyFile, 'key']] as const) if (file) read(file, `TLS ${what}`);
    options.tls = { ...(tls.caFile ? { caFile: tls.caFile } : {}), ...(tls.certFile ? { certFile: tls.certFile } : {}), ...(tls.keyFile ? { keyFile: tls.keyFile } : {}) };
  }
  return options;
}
