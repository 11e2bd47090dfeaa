/**
 * A mistake in how exportctl was called (exit 2): bad flag, missing PATH, no project. Its
 * `code` is the one a user sees in machine-readable output (`export --format json`).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';

  toJSON(): { code: 'USAGE'; message: string } {
    return { code: this.code, message: this.message };
  }
}
