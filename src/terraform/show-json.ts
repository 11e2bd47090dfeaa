/**
 * `terraform show -json` output a user names (a plan for `plan-check`, state for
 * `drift --state`): read through the guarded reader under the `terraform` cap, parsed as JSON.
 * A file that cannot be read or is not JSON is a usage error that says what was expected.
 */
import { resolve } from 'node:path';
import { readGuardedText } from '../config/read-file.js';
import { UsageError } from '../diagnostics/usage-error.js';

/** The text of `fileArg` (as the user wrote it, relative to `cwd`). */
export function readShowJsonText(cwd: string, fileArg: string): string {
  const read = readGuardedText(resolve(cwd, fileArg), { kind: 'terraform' });
  if (!read.ok) throw new UsageError(`${fileArg}: ${read.refusal.message} [${read.refusal.rule}]`);
  return read.text;
}

/** `text` as JSON; `expected` names the output it should be (``\`terraform show -json\` state output``). */
export function parseShowJson(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message}); expected ${expected}`);
  }
}
