/** Output formats of `check` (and later `drift`, `plan-check`). Issue 9 adds sarif, junit, github, gitlab. */
import { formatJson } from './json.js';
import type { Formatter } from './report.js';
import { formatText } from './text.js';

export const FORMATTERS: Record<string, Formatter> = {
  text: formatText,
  json: formatJson,
};
