/** Every report format starts here: messages and code-frame sources with their secrets masked. */
import { redactText } from '../config/secrets.js';
import type { ReportInput } from './report.js';

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
