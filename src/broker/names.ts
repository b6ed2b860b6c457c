/**
 * Everything saga-sim names on a server, from one namespace: the streams, consumers, KV buckets,
 * dead-letter and control subjects carry the namespace (a run's id), and the event subjects an
 * optional prefix. Two runs in different namespaces never touch each other's resources; the
 * design's namespace (no id, no prefix) is what `up` and `saga-sim service` use by default.
 */
import { randomBytes } from 'node:crypto';
import { EVENT_TYPES, type EventType } from '../events/subjects.js';

export interface Namespace {
  /** '' for the design's names (SAGA_SIM_EVENTS, saga-sim-state-order, …). */
  id: string;
  /** Put before every event subject (`ci-42.` → `ci-42.order.created.v1`); '' for the design's subjects. */
  subjectPrefix: string;
}

export const DESIGN_NAMESPACE: Namespace = { id: '', subjectPrefix: '' };

/** Stream, consumer and bucket names take these characters only (KV buckets are the strictest). */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** Dot-separated tokens of subject-safe characters: no wildcards, no spaces, no empty token. */
export const SUBJECT_PREFIX_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/;

/** Every saga-sim stream starts so, whatever its namespace (KV buckets' streams: KV_saga-sim-). */
export const STREAM_ROOT = 'SAGA_SIM_';
export const BUCKET_ROOT = 'saga-sim-';

/** A fresh run id: 8 base-36 characters, so concurrent runs do not meet by chance. */
export function newRunId(): string {
  return BigInt(`0x${randomBytes(6).toString('hex')}`).toString(36).padStart(8, '0').slice(-8);
}

/** `ci-42` and `ci-42.` are the same prefix. */
export function normalisePrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.`;
}

export class RunNames {
  readonly id: string;
  readonly subjectPrefix: string;

  constructor(ns: Namespace) {
    this.id = ns.id;
    this.subjectPrefix = normalisePrefix(ns.subjectPrefix);
  }

  get namespace(): Namespace {
    return { id: this.id, subjectPrefix: this.subjectPrefix };
  }

  private suffix(separator: string): string {
    return this.id ? `${separator}${this.id}` : '';
  }

  get eventsStream(): string {
    return `${STREAM_ROOT}EVENTS${this.suffix('_')}`;
  }

  get deadLetterStream(): string {
    return `${STREAM_ROOT}DEADLETTER${this.suffix('_')}`;
  }

  /** Dead letters go to `<root>.<service>`, stored by the dead-letter stream. */
  get deadLetterRoot(): string {
    return `saga-sim${this.suffix('.')}.deadletter`;
  }

  deadLetterSubject(service: string): string {
    return `${this.deadLetterRoot}.${service}`;
  }

  /** The KV bucket holding a service's records (orders, payments, reservations). */
  stateBucket(service: string): string {
    return `${BUCKET_ROOT}state${this.suffix('-')}-${service}`;
  }

  /**
   * A service's durable consumer (and its core queue group): one per service where the server
   * filters on several subjects (2.10+), else one per event type (`…-payment--order_created_v1`).
   */
  durable(service: string, type?: EventType): string {
    const base = `${BUCKET_ROOT}${this.id ? `${this.id}-` : ''}${service}`;
    return type ? `${base}--${type.replaceAll('.', '_')}` : base;
  }

  /** The service a durable consumer (named by durable) belongs to. */
  serviceOfConsumer(consumer: string): string {
    return consumer.slice(this.durable('').length).replace(/--.*$/, '');
  }

  /** Request/reply subjects of services running as processes of their own. */
  get controlRoot(): string {
    return `saga-sim${this.suffix('.')}.control`;
  }

  subject(type: EventType): string {
    return `${this.subjectPrefix}${type}`;
  }

  /** The ten event subjects of this namespace. */
  get eventSubjects(): string[] {
    return EVENT_TYPES.map((type) => this.subject(type));
  }

  /** The event type a subject of this namespace carries, as the envelope must name it. */
  typeOf(subject: string): string {
    return this.subjectPrefix && subject.startsWith(this.subjectPrefix) ? subject.slice(this.subjectPrefix.length) : subject;
  }

  /** Where the max-deliveries advisories of this namespace's event stream arrive. */
  get maxDeliveriesAdvisory(): string {
    return `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${this.eventsStream}.*`;
  }
}

export const DESIGN_NAMES = new RunNames(DESIGN_NAMESPACE);

const KV_ROOT = `KV_${BUCKET_ROOT}state-`;
const SERVICE_SUFFIX = /-(order|payment|inventory)$/;

/** The namespace a saga-sim stream belongs to ('' the design's), or undefined for a stream that is not saga-sim's. */
export function namespaceOfStream(stream: string): string | undefined {
  for (const kind of ['EVENTS', 'DEADLETTER']) {
    const root = `${STREAM_ROOT}${kind}`;
    if (stream === root) return '';
    if (stream.startsWith(`${root}_`)) return stream.slice(root.length + 1);
  }
  if (stream.startsWith(KV_ROOT) && SERVICE_SUFFIX.test(stream)) {
    const rest = stream.slice(KV_ROOT.length);
    return rest.includes('-') ? rest.replace(SERVICE_SUFFIX, '') : '';
  }
  return undefined;
}

