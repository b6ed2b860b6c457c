import { destination, pino } from 'pino';
import type { ServiceName } from '../service.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** A service's log, on stderr: what it receives and emits at debug, warnings and errors always. */
export interface ServiceLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  readonly debugging: boolean;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** text: `[payment] warn  dead-lettered … key=value`, for a terminal. json: pino's JSON lines, for a collector. */
export function serviceLog(service: ServiceName, level: LogLevel, format: LogFormat): ServiceLog {
  if (format === 'json') {
    const logger = pino({ level, base: { service } }, destination({ fd: 2, sync: false }));
    return {
      debug: (m, f) => logger.debug(f ?? {}, m),
      info: (m, f) => logger.info(f ?? {}, m),
      warn: (m, f) => logger.warn(f ?? {}, m),
      error: (m, f) => logger.error(f ?? {}, m),
      debugging: RANK[level] === 0,
    };
  }
  const line = (at: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < RANK[level]) return;
    const extra = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('') : '';
    process.stderr.write(`[${service}] ${at.padEnd(5)} ${message}${extra}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), debugging: RANK[level] === 0 };
}
