/**
 * `serve` could not start: a config that fails `check`, or the environment it needs. In a
 * module of its own so that the library can export the class without loading the service.
 */
import type { Finding } from '../diagnostics/finding.js';

export class ServiceStartError extends Error {
  constructor(
    message: string,
    readonly findings: Finding[] = [],
    readonly exitCode: 1 | 2 | 4 = 1,
  ) {
    super(message);
  }
}
