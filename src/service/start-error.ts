/**
 * `serve` could not start: a config that fails `check`, or the environment it needs. In a
 * module of its own so that the library can export the class without loading the service.
 */
import type { Finding } from '../diagnostics/finding.js';

/** Why `serve` could not start (`cli/exit-codes.ts` decides the exit code of each). */
export type ServiceStartCode =
  | 'CONFIG_INVALID'
  | 'PROJECT_UNUSABLE'
  | 'NO_TOKENS'
  | 'LISTEN_FAILED'
  | 'QUEUE_UNAVAILABLE';

export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
  constructor(
    message: string,
    readonly findings: Finding[] = [],
    readonly code: ServiceStartCode = 'CONFIG_INVALID',
    /** The project's files the check read (where the findings point). */
    readonly files: string[] = [],
  ) {
    super(message);
  }
}
