import { InvalidArgumentError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { Scenario } from '../scenario/schema.js';
import { DEFAULT_DATABASE_URL, type DatabaseSettings } from '../services/state/postgres/settings.js';
import { APPEND_FAULTS, type ScenarioOverrides } from '../scenario/load.js';
import type { HeapProfile } from '../services/heap.js';
import { acksOption, heapOption, share, stateOption } from './options.js';

/** The flags that override scenario keys, shared by the commands that run sagas. */
export interface ScenarioFlags {
  seed?: number;
  orders?: number;
  rate?: number;
  maxInFlight?: number;
  duration?: string;
  successRate?: number;
  topology?: 'parallel' | 'sequential';
  delivery?: 'jetstream' | 'core';
  state?: 'kv' | 'memory' | 'postgres';
  databaseUrl?: string;
  outbox?: 'on' | 'off';
  fault?: unknown[];
  acks?: 'double' | 'single';
  replicas?: number;
  heap?: HeapProfile;
  services?: 'workers' | 'external';
}

/** Each flag given, as the scenario key it overrides. */
export function scenarioOverrides(flags: ScenarioFlags): ScenarioOverrides {
  const overrides: ScenarioOverrides = {};
  if (flags.seed !== undefined) overrides.seed = flags.seed;
  if (flags.orders !== undefined) overrides['orders.count'] = flags.orders;
  if (flags.rate !== undefined) overrides['orders.rate'] = flags.rate;
  if (flags.maxInFlight !== undefined) overrides['orders.maxInFlight'] = flags.maxInFlight;
  if (flags.duration !== undefined) overrides['orders.duration'] = flags.duration;
  if (flags.successRate !== undefined) overrides['payment.successRate'] = flags.successRate;
  if (flags.topology !== undefined) overrides.topology = flags.topology;
  if (flags.delivery !== undefined) overrides.delivery = flags.delivery;
  if (flags.state !== undefined) overrides.state = flags.state;
  if (flags.acks !== undefined) overrides['jetstream.acks'] = flags.acks;
  if (flags.replicas !== undefined) overrides['jetstream.replicas'] = flags.replicas;
  if (flags.outbox !== undefined) overrides['postgres.outbox'] = flags.outbox === 'on';
  if (flags.fault?.length) overrides[APPEND_FAULTS] = flags.fault;
  return overrides;
}

/** --target: a saga system of the user's, loaded through its HTTP API and checked on its NATS. */
export function targetOption(): Option {
  return new Option('--target <url>', "load and check your own saga system through its API (POST <url>/orders), watching its events on --nats-url; starts no services (see the scenario's target: section)").env('SAGA_SIM_TARGET');
}

/** --nats-url, shared by every command that talks to NATS. */
export function natsUrlOption(): Option {
  return new Option('--nats-url <url>', 'use this NATS server instead of starting one').env('NATS_URL');
}

/** How the services run: --topology, --delivery, --state, --acks, --heap. */
export function stackOptions(): Option[] {
  return [
    new Option('--topology <t>', 'override the topology').choices(['parallel', 'sequential']),
    new Option('--delivery <d>', 'jetstream (durable, the default) or core (queue groups, at most once)').choices(['jetstream', 'core']),
    stateOption(),
    databaseUrlOption(),
    new Option('--outbox <on|off>', 'PostgreSQL state: on (default) commits events to an outbox with the state and relays them; off publishes after the commit').choices(['on', 'off']),
    faultOption(),
    acksOption(),
    new Option('--replicas <n>', 'copies of each stream and KV bucket on a cluster (1 to 5; 3 on a three-node cluster)').argParser(replicas),
    heapOption(),
  ];
}

/** --database-url, and DATABASE_URL as in the design. */
export function databaseUrlOption(): Option {
  return new Option('--database-url <url>', `PostgreSQL for --state postgres (may hold {service}: a database per service, as in the design); default ${DEFAULT_DATABASE_URL}`).env('DATABASE_URL');
}

/** What the services' PostgreSQL state is opened with: the flag (or DATABASE_URL), else the default, and the scenario's outbox. */
export function databaseOf(flags: ScenarioFlags, scenario: Scenario): DatabaseSettings {
  return { url: flags.databaseUrl ?? DEFAULT_DATABASE_URL, outbox: scenario.postgres.outbox };
}

/** --fault, repeatable: one more fault as the scenario's faults list takes it, in YAML flow style. */
function faultOption(): Option {
  return new Option('--fault <spec>', 'add a fault, as in the scenario\'s faults list: "crashAfterCommit: order, at: 2s, restartAfter: 1s" (repeatable)').argParser(
    (value: string, previous: unknown[] = []) => {
      let parsed: unknown;
      try {
        parsed = parseYaml(value.trim().startsWith('{') ? value : `{${value}}`);
      } catch (error) {
        throw new InvalidArgumentError(`expected keys as in a scenario fault, e.g. "crash: payment, at: 2s, restartAfter: 1s" (${(error as Error).message.split('\n')[0]})`);
      }
      return [...previous, parsed];
    },
  );
}

function replicas(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new InvalidArgumentError(`expected a whole number from 1 to 5, got "${value}"`);
  return n;
}

/** --embedded-cluster: a local cluster instead of one embedded nats-server. */
export function clusterOption(): Option {
  return new Option('--embedded-cluster <n>', 'start a local cluster of n nats-servers (routes on loopback, JetStream clustered, a store each) instead of one; streams then default to 3 replicas').argParser((value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 3 || n > 5) throw new InvalidArgumentError(`expected 3, 4 or 5 nodes, got "${value}"`);
    return n;
  });
}

/** --services, on the commands that run load: where the services run. */
export function servicesOption(): Option {
  return new Option('--services <where>', 'workers: start the three services as threads (the default); external: drive saga-sim service processes found on --nats-url').choices([
    'workers',
    'external',
  ]);
}

/** --success-rate, and PAYMENT_SUCCESS_RATE as in the design. */
export function successRateOption(description = 'payment success rate (0..1)'): Option {
  return new Option('--success-rate <r>', description).argParser(share).env('PAYMENT_SUCCESS_RATE');
}
