/** JSON-lines logs: `{level, ts, msg, job, code, error}`, one object per line. */
import { redactJson } from '../config/secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogFields {
  job?: string;
  code?: string;
  error?: string;
  [key: string]: unknown;
}

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
}

export const silentLogger: Logger = { log: () => {} };

export function jsonLineLogger(write: (line: string) => void, minLevel: LogLevel = 'info'): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, msg, fields = {}) {
      if (order[level] < order[minLevel]) return;
      write(`${redactJson({ level, ts: new Date().toISOString(), msg, ...fields })}\n`);
    },
  };
}
