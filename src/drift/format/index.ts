/** Output formats of `exportctl drift`. */
import { formatDriftHtml } from './html.js';
import { formatDriftJson } from './json.js';
import { formatDriftMarkdown } from './markdown.js';
import { redacting } from '../../report/redact.js';
import type { DriftFormatter } from './report-input.js';
import { formatDriftText } from './text.js';

// Values in the comparison are redacted where drift reads them; messages and sources here.
export const DRIFT_FORMATS: Record<string, DriftFormatter> = {
  text: redacting(formatDriftText),
  json: redacting(formatDriftJson),
  markdown: redacting(formatDriftMarkdown),
  html: redacting(formatDriftHtml),
};

export type { DriftFormatter, DriftReportInput } from './report-input.js';
