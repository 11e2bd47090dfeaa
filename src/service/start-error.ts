import type { Finding } from '../diagnostics/finding.js';

/** `serve` could not start: a config that fails `check`, or the environment it needs. */
export class ServiceStartError extends Error {
  constructor(
    message: string,
    readonly findings: Finding[] = [],
    readonly exitCode: 1 | 2 | 4 = 1,
  ) {
    super(message);
  }
}
