/**
 * Output formats of `check`, `drift` and `plan-check` (docs/reference.md#report-formats);
 * every one is generic over Finding[].
 */
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import type { Formatter } from './report.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const FORMATTERS: Record<string, Formatter> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
  github: formatGithub,
  gitlab: formatGitlab,
};
