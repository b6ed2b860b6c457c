import { InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../scenario/duration.js';
import { HEAP_PROFILES } from '../services/heap.js';
import { LOG_FORMATS, LOG_LEVELS } from '../services/host/log.js';
import { STORES } from '../services/state/stores.js';

/** Commander argument parsers: each rejects with a message that says what the flag accepts. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a whole number above 0, got "${value}"`);
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number above 0, got "${value}"`);
  return n;
}

export function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`expected a share from 0 to 1, got "${value}"`);
  return n;
}

export function duration(value: string): string {
  if (parseDuration(value) === undefined) throw new InvalidArgumentError(`expected a duration such as 500ms, 30s or 2m, got "${value}"`);
  return value;
}

/** --state, shared by the commands that run sagas. */
export function stateOption(): Option {
  const kinds = Object.entries(STORES).map(([kind, store]) => `${kind} (${store.help})`).join(', ');
  return new Option('--state <s>', `where services keep their records: ${kinds}; default kv`).choices(Object.keys(STORES));
}

/** --acks, shared by the commands that run sagas. */
export function acksOption(): Option {
  return new Option('--acks <a>', 'JetStream acks: double (the server confirms each, the default) or single (faster)').choices(['double', 'single']);
}

/** --heap, shared by the commands that run sagas. */
export function heapOption(): Option {
  return new Option(
    '--heap <profile>',
    'V8 heap sizing: fast (the default: the most throughput) or lean (about half the RSS of a long run, for 5-10% more CPU and a lower saturated rate)',
  ).choices(HEAP_PROFILES);
}

/** --log-level and --log-format, for the commands that show the services' logs (up, service). */
export function logOptions(): Option[] {
  return [
    new Option('--log-level <level>', 'services\' log on stderr: debug (every event received and emitted), info, warn, error or silent').choices(LOG_LEVELS).default('info'),
    new Option('--log-format <format>', 'text (one line per entry, prefixed by the service) or json (JSON lines, pino)').choices(LOG_FORMATS).default('text'),
  ];
}
