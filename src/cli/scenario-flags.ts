import { InvalidArgumentError, Option } from 'commander';
import type { ScenarioOverrides } from '../scenario/load.js';
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
  state?: 'kv' | 'memory';
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
    acksOption(),
    new Option('--replicas <n>', 'copies of each stream and KV bucket on a cluster (1 to 5; 3 on a three-node cluster)').argParser(replicas),
    heapOption(),
  ];
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
