import { Option, type Command } from 'commander';
import { useAuth } from '../broker/connection.js';
import type { NatsAuth } from '../broker/credentials.js';

interface ConnectionFlags {
  natsUser?: string;
  natsPass?: string;
  natsToken?: string;
  natsCreds?: string;
  natsNkey?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Credentials and TLS, on every command that talks to NATS; each has an environment variable (better than a flag for a secret, which ps shows). */
export function connectionOptions(): Option[] {
  return [
    new Option('--nats-user <user>', 'NATS user (or nats://user:pass@host in the URL)').env('NATS_USER'),
    new Option('--nats-pass <password>', 'NATS password; prefer NATS_PASSWORD').env('NATS_PASSWORD'),
    new Option('--nats-token <token>', 'NATS token (or nats://token@host); prefer NATS_TOKEN').env('NATS_TOKEN'),
    new Option('--nats-creds <file>', 'a .creds file (JWT and nkey seed, as nsc writes it)').env('NATS_CREDS'),
    new Option('--nats-nkey <file>', 'a file holding an nkey seed (SU…)').env('NATS_NKEY'),
    new Option('--tls-ca <file>', 'CA certificate to verify the server (tls:// URLs, or a private CA)').env('NATS_CA'),
    new Option('--tls-cert <file>', 'client certificate, for servers that verify clients').env('NATS_CERT'),
    new Option('--tls-key <file>', 'client certificate key').env('NATS_KEY'),
  ];
}

export function authFromFlags(flags: ConnectionFlags): NatsAuth {
  const auth: NatsAuth = {};
  if (flags.natsUser !== undefined) auth.user = flags.natsUser;
  if (flags.natsPass !== undefined) auth.pass = flags.natsPass;
  if (flags.natsToken !== undefined) auth.token = flags.natsToken;
  if (flags.natsCreds !== undefined) auth.credsFile = flags.natsCreds;
  if (flags.natsNkey !== undefined) auth.nkeyFile = flags.natsNkey;
  if (flags.tlsCa || flags.tlsCert || flags.tlsKey) auth.tls = { caFile: flags.tlsCa, certFile: flags.tlsCert, keyFile: flags.tlsKey };
  return auth;
}

/** Adds the connection options to a command, and makes them this process's credentials when it runs. */
export function withConnection(command: Command): Command {
  for (const option of connectionOptions()) command.addOption(option);
  return command.hook('preAction', (_command, action) => useAuth(authFromFlags(action.opts<ConnectionFlags>())));
}
