/**
 * What saga-sim has on a server, by namespace: its streams and KV buckets (by their names, which
 * RunNames makes), their size and owner, and whether that owner still answers. Nothing else on the
 * server is ever listed or touched.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { namespaceOfStream } from './names.js';
import { liveOwners, type Owner } from './owner.js';
import { deleteStream, manager } from './streams.js';

export interface NamespaceHoldings {
  namespace: string;
  streams: string[];
  messages: number;
  bytes: number;
  /** From the streams' descriptions: who made them. */
  createdBy: string | undefined;
  /** The process that answers for this namespace now, if any: its resources are in use. */
  live: Owner | undefined;
}

export async function listHoldings(nc: NatsConnection): Promise<NamespaceHoldings[]> {
  const jsm = await manager(nc);
  const [owners, byNamespace] = await Promise.all([liveOwners(nc), holdingsOf(jsm)]);
  for (const held of byNamespace.values()) held.live = owners.find((o) => o.namespace === held.namespace);
  return [...byNamespace.values()].sort((a, b) => a.namespace.localeCompare(b.namespace));
}

async function holdingsOf(jsm: JetStreamManager): Promise<Map<string, NamespaceHoldings>> {
  const held = new Map<string, NamespaceHoldings>();
  for await (const info of jsm.streams.list()) {
    const namespace = namespaceOfStream(info.config.name);
    if (namespace === undefined) continue;
    const entry = held.get(namespace) ?? { namespace, streams: [], messages: 0, bytes: 0, createdBy: undefined, live: undefined };
    entry.streams.push(info.config.name);
    entry.messages += info.state.messages;
    entry.bytes += info.state.bytes;
    entry.createdBy ??= info.config.description || undefined;
    held.set(namespace, entry);
  }
  return held;
}

/** Deletes a namespace's streams and buckets (with their consumers). */
export async function removeHoldings(nc: NatsConnection, holdings: NamespaceHoldings): Promise<void> {
  const jsm = await manager(nc);
  for (const stream of holdings.streams) await deleteStream(jsm, stream);
}
