/** Every report starts here: messages and code-frame sources with their secrets masked, once. */
import { parse } from 'yaml';
import { literalSecretsIn, maskKnownSecrets, redactText } from '../config/secrets.js';
import type { ReportInput } from './report.js';

/**
 * A source file for a code frame, with its secrets masked: those a pattern recognises on a
 * line, and those the file holds as values in shapes a line does not show (a block scalar
 * under `password: |`, a value with commas), found by parsing the file.
 */
function redactSource(text: string): string {
  let secrets: readonly string[] = [];
  try {
    secrets = literalSecretsIn(parse(text, { uniqueKeys: false, maxAliasCount: 100, prettyErrors: false }));
  } catch {
    // Not YAML (or not whole): the line patterns below still apply.
  }
  return redactText(maskKnownSecrets(text, secrets));
}

/** What a report reads that may hold a secret: finding messages and source text. */
type Redactable = Pick<ReportInput, 'findings' | 'readSource'>;

export function redactReportInput<T extends Redactable>(input: T): T {
  const read = input.readSource;
  const sources = new Map<string, string | undefined>();
  return {
    ...input,
    findings: input.findings.map((f) => ({ ...f, message: redactText(f.message) })),
    readSource: read
      ? (file: string) => {
          if (!sources.has(file)) {
            const text = read(file);
            sources.set(file, text === undefined ? undefined : redactSource(text));
          }
          return sources.get(file);
        }
      : undefined,
  };
}

/**
 * A format behind the one redaction every report passes (`FORMATTERS`, `DRIFT_FORMATS`): the
 * format itself, and the formats it calls in turn (github's text, drift's findings), see masked
 * input only and never redact again.
 */
export function redacting<T extends Redactable>(format: (input: T) => string): (input: T) => string {
  return (input) => format(redactReportInput(input));
}
