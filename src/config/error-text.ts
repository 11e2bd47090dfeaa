/**
 * What a user reads of an error: its message on one line, secrets masked, never a stack
 * (a multi-line message, such as a driver's dump, keeps its first line).
 */
import { redactText } from './secrets.js';

export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const i = text.indexOf('\n');
  return redactText(i === -1 ? text : `${text.slice(0, i)} …`);
}
