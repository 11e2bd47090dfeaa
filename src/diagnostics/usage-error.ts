/** A mistake in how exportctl was called (exit 2): bad flag, missing PATH, no project. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
