/**
 * Output formats of `check`, `drift` and `plan-check` (docs/reference.md#report-formats);
 * every one is generic over Finding[].
 */
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { redacting } from './redact.js';
import type { Formatter } from './report.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

/** The text report as commands print it beside their own output (secrets masked). */
export const formatTextReport: Formatter = redacting(formatText);

/** Every format redacts here, once, before formatting (`redact.ts`). */
export const FORMATTERS: Record<string, Formatter> = {
  text: formatTextReport,
  json: redacting(formatJson),
  sarif: redacting(formatSarif),
  junit: redacting(formatJunit),
  github: redacting(formatGithub),
  gitlab: redacting(formatGitlab),
};
