import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { startSecuredNats, type SecuredServer } from '../helpers/secured-nats.js';

const RUN = ['run', 'scenarios/happy-path.yaml', '--orders', '40', '--rate', '200'];

// Servers with auth and TLS, and that no secret ever reaches the output or the report.
describe('credentials and TLS', () => {
  let server: SecuredServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('user and password in the URL: the run passes, and the password appears nowhere', async () => {
    server = await startSecuredNats(() => 'authorization { user: saga, password: "s3cret-pw" }');
    const report = join(server.dir, 'report.json');
    const r = await cli([...RUN, '--nats-url', `nats://saga:s3cret-pw@127.0.0.1:${server.port}`, '--report', report]);
    expect(r.stderr).not.toMatch(/saga-sim: /);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`nats://saga:***@127.0.0.1:${server.port}`);
    expect(r.stdout + r.stderr + readFileSync(report, 'utf8')).not.toContain('s3cret-pw');
  });

  it('a wrong password exits 3 saying authorization failed, not unreachable, and without the password', async () => {
    server = await startSecuredNats(() => 'authorization { user: saga, password: "s3cret-pw" }');
    const r = await cli([...RUN, '--nats-url', `nats://saga:wrong-pw@127.0.0.1:${server.port}`]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^saga-sim: authorization failed at nats://saga:\\*\\*\\*@127\\.0\\.0\\.1:${server.port} `))]);
    expect(r.stderr).not.toContain('wrong-pw');
    const unreachable = await cli([...RUN, '--nats-url', 'nats://127.0.0.1:1']);
    expect(unreachable.stderr).toMatch(/^saga-sim: cannot reach NATS/);
  });

  it('a token from NATS_TOKEN, and user/password from --nats-user with NATS_PASSWORD', async () => {
    server = await startSecuredNats(() => 'authorization { token: "t0ken-value" }');
    const r = await cli([...RUN, '--nats-url', `nats://127.0.0.1:${server.port}`], { NATS_TOKEN: 't0ken-value' });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('t0ken-value');
    await server.stop();
    server = await startSecuredNats(() => 'authorization { user: saga, password: "pw-from-env" }');
    const u = await cli([...RUN, '--nats-url', `nats://127.0.0.1:${server.port}`, '--nats-user', 'saga'], { NATS_PASSWORD: 'pw-from-env' });
    expect(u.code).toBe(0);
  });

  it('an nkey seed file (--nats-nkey)', async () => {
    const user = createUser();
    server = await startSecuredNats(() => `authorization { users: [ { nkey: ${user.getPublicKey()} } ] }`);
    const seed = join(server.dir, 'user.nk');
    writeFileSync(seed, new TextDecoder().decode(user.getSeed()));
    const r = await cli([...RUN, '--nats-url', `nats://127.0.0.1:${server.port}`, '--nats-nkey', seed]);
    expect(r.stderr).not.toMatch(/saga-sim: /);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(new TextDecoder().decode(user.getSeed()));
  });

  it('a creds file (--nats-creds) on a server in operator mode: the run passes, and neither the JWT nor the seed is printed', async () => {
    // Operator, account (with JetStream) and user, signed here as nsc would sign them.
    const operator = createOperator();
    const system = createAccount();
    const account = createAccount();
    const user = createUser();
    const operatorJwt = await encodeOperator('saga-sim-test', operator, { system_account: system.getPublicKey() });
    const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
    const accountJwt = await encodeAccount('saga', account, { limits: { conn: -1, subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 } }, { signer: operator });
    const userJwt = await encodeUser('saga-user', user, account);
    server = await startSecuredNats(() => `operator: ${operatorJwt}\nresolver: MEMORY\nsystem_account: ${system.getPublicKey()}\nresolver_preload: { ${system.getPublicKey()}: ${systemJwt}, ${account.getPublicKey()}: ${accountJwt} }`);
    const creds = join(server.dir, 'user.creds');
    writeFileSync(creds, fmtCreds(userJwt, user));
    const r = await cli([...RUN, '--nats-url', `nats://127.0.0.1:${server.port}`, '--nats-creds', creds]);
    expect(r.stderr).not.toMatch(/saga-sim: /);
    expect(r.code).toBe(0);
    const seed = new TextDecoder().decode(user.getSeed());
    expect(r.stdout + r.stderr).not.toContain(seed);
    expect(r.stdout + r.stderr).not.toContain(userJwt.slice(0, 40));
    // Without the creds, the same server refuses: exit 3, authorization failed.
    const refused = await cli([...RUN, '--nats-url', `nats://127.0.0.1:${server.port}`]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^saga-sim: authorization failed at nats:\/\/127\.0\.0\.1:\d+/);
  });

  it('TLS with a CA made here: tls:// with --tls-ca passes; without the CA it exits 3 saying TLS failed', async () => {
    server = await startSecuredNats((dir) => {
      const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=saga-sim test CA']);
      sh(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
      writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
      sh(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext']);
      return `tls { cert_file: "${join(dir, 'server.pem')}", key_file: "${join(dir, 'server.key')}" }`;
    });
    const url = `tls://127.0.0.1:${server.port}`;
    const ok = await cli([...RUN, '--nats-url', url, '--tls-ca', join(server.dir, 'ca.pem')]);
    expect(ok.stderr).not.toMatch(/saga-sim: /);
    expect(ok.code).toBe(0);
    const bad = await cli([...RUN, '--nats-url', url]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^saga-sim: (TLS failed|cannot reach NATS) at tls:\/\/127\.0\.0\.1:\d+/);
  });
});
