/** Terraform JSON helpers shared by the rules that compare stacks, plans and state. */
import { appendPath } from '../config/path.js';

/** Leaf values of a JSON value by path (`tags.Team`, `ingress[0].from_port`); `//` metadata is skipped. */
export function flattenLeaves(
  value: unknown,
  prefix = '',
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, []);
    value.forEach((v, i) => {
      flattenLeaves(v, appendPath(prefix, i), out);
    });
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([k]) => k !== '//');
    if (entries.length === 0) out.set(prefix, {});
    for (const [k, v] of entries) flattenLeaves(v, appendPath(prefix, k), out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** A short, single-line rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Where `"address": "<address>"` is written in a JSON text (1-based), for findings on plan/state files. */
export function locateInJson(
  file: string,
  text: string,
  needle: RegExp,
): { file: string; line: number; column: number; endLine: number; endColumn: number } {
  const m = needle.exec(text);
  const at = m ? m.index : 0;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  const len = m ? m[0].length : 1;
  return { file, line, column, endLine: line, endColumn: column + len };
}
