/** Every report leaves through here: messages and code-frame sources with their secrets masked. */
import { redactText } from '../config/secrets.js';
import type { Formatter, ReportInput } from './report.js';

export function redactReportInput(input: ReportInput): ReportInput {
  const read = input.readSource;
  return {
    ...input,
    findings: input.findings.map((f) => ({ ...f, message: redactText(f.message) })),
    readSource: read
      ? (file) => {
          const text = read(file);
          return text === undefined ? undefined : redactText(text);
        }
      : undefined,
  };
}

/** A formatter that only ever sees redacted input. */
export function redacting(format: Formatter): Formatter {
  return (input) => format(redactReportInput(input));
}
