/**
 * The exporter's errors: values with a code (docs/reference.md#export-error-codes), which
 * `src/cli/exit-codes.ts` maps to exit codes; every message passes through `redactText`
 * (`src/config/secrets.ts`), so a driver error that echoes the connection string carries no
 * password.
 */
import { redactText } from '../config/secrets.js';
import { errorLine } from '../config/error-text.js';

export const EXPORT_ERROR_CODES = [
  'CONFIG_INVALID',
  'SOURCE_UNAVAILABLE',
  'SOURCE_QUERY_FAILED',
  'PERMISSION_DENIED',
  'DISK_FULL',
  'ENCODING_UNSUPPORTED',
  'UNENCODABLE_CHARACTER',
  'ROW_LIMIT_EXCEEDED',
  'RATE_LIMITED',
  'DISK_BREAKER_OPEN',
  'TIMEOUT',
  'CANCELLED',
  // `--resume` of a job another live process is still running: try again when it ends.
  'JOB_RUNNING',
  // Not a problem of the source, the config or the output: a bug of ours (exit 70).
  'INTERNAL',
  // The output target: refused before anything is written (exit 2, a usage problem).
  'OUTPUT_IS_SOURCE',
  'OUTPUT_NOT_A_FILE',
  'OUTPUT_REFUSED',
] as const;

export type ExportErrorCode = (typeof EXPORT_ERROR_CODES)[number];

export interface ExportErrorDetails {
  /** 1-based data row (header excluded) for UNENCODABLE_CHARACTER. */
  row?: number;
  column?: string;
  /** UNENCODABLE_CHARACTER: `U+1F600`. */
  character?: string;
  /** RATE_LIMITED: when the next request is allowed (ISO time) and in how many seconds. */
  retryAt?: string;
  retryAfterSeconds?: number;
  /** DISK_BREAKER_OPEN: measured use and threshold, 0..1. */
  usage?: number;
  threshold?: number;
  limit?: number;
  /** Whether the job can be resumed with `--resume`. */
  resumable?: boolean;
  /** Config path concerned, for CONFIG_INVALID. */
  path?: string;
  /** OUTPUT_*: the refused target file. */
  file?: string;
}

export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    readonly details: ExportErrorDetails = {},
    /** Transient source errors are retried from the checkpoint. */
    readonly transient = false,
  ) {
    super(redactText(message));
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

// What a database or the system says: a SQLSTATE (five characters), a SQLite result code, a
// Node system error (`ECONNRESET`). An error without one (a TypeError, a broken invariant) is ours.
const SOURCE_ERROR_CODE = /^(?:[0-9A-Z]{5}|SQLITE_[A-Z_]+|E[A-Z]+)$/;

// PostgreSQL SQLSTATE classes and Node system errors that a retry can cure.
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01)/;
const TRANSIENT_SYSCALL = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
}

/**
 * Maps a driver or system error to an ExportError. `phase` tells connecting from querying. An
 * error that neither the source nor the system raised is INTERNAL, not a failed query.
 */
export function classifySourceError(err: unknown, phase: 'connect' | 'query'): ExportError {
  if (err instanceof ExportError) return err;
  const e = (err ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (code === '42501' || code === 'SQLITE_PERM' || code === 'SQLITE_READONLY' || code === 'EACCES') {
    return new ExportError('PERMISSION_DENIED', `permission denied: ${message}`);
  }
  if (code === '57014') {
    // query_canceled: statement_timeout fired server side.
    return new ExportError('TIMEOUT', `statement timed out: ${message}`);
  }
  if (code === '28P01' || code === '28000') {
    return new ExportError('PERMISSION_DENIED', `authentication failed: ${message}`);
  }
  const transient =
    TRANSIENT_SQLSTATE.test(code) ||
    TRANSIENT_SYSCALL.has(code) ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_LOCKED' ||
    /Connection terminated|terminating connection|server closed the connection|not queryable/i.test(message);
  if (phase === 'connect' || transient) {
    return new ExportError('SOURCE_UNAVAILABLE', `source unavailable: ${message}`, {}, transient);
  }
  if (SOURCE_ERROR_CODE.test(code)) return new ExportError('SOURCE_QUERY_FAILED', `query failed: ${message}`);
  return internalError(err);
}

/** An unexpected error as an ExportError: one line, redacted, no stack. */
export function internalError(err: unknown): ExportError {
  if (err instanceof ExportError) return err;
  return new ExportError('INTERNAL', `internal error: ${errorLine(err)}`);
}

/** Maps a file-system error of the output side. */
export function classifyOutputError(err: unknown, file: string): ExportError {
  if (err instanceof ExportError) return err;
  const e = (err ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new ExportError('DISK_FULL', `disk full writing ${file}`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new ExportError('PERMISSION_DENIED', `cannot write ${file}: ${message}`);
  }
  return new ExportError('DISK_FULL', `cannot write ${file}: ${message}`);
}

/** CONFIG_INVALID at a config path: `database.url: <message>` (the path, never the value). */
export function configInvalid(path: string, message: string): ExportError {
  return new ExportError('CONFIG_INVALID', `${path}: ${message}`, { path });
}
