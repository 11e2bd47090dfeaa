/** Output formats of `exportctl drift`. */
import { formatDriftHtml } from './html.js';
import { formatDriftJson } from './json.js';
import { formatDriftMarkdown } from './markdown.js';
import type { DriftFormatter } from './report-input.js';
import { formatDriftText } from './text.js';

export const DRIFT_FORMATS: Record<string, DriftFormatter> = {
  text: formatDriftText,
  json: formatDriftJson,
  markdown: formatDriftMarkdown,
  html: formatDriftHtml,
};

export type { DriftFormatter, DriftReportInput } from './report-input.js';
