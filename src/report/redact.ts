/** Every report format starts here: messages and code-frame sources with their secrets masked. */
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

export function redactReportInput(input: ReportInput): ReportInput {
  const read = input.readSource;
  const sources = new Map<string, string | undefined>();
  return {
    ...input,
    findings: input.findings.map((f) => ({ ...f, message: redactText(f.message) })),
    readSource: read
      ? (file) => {
          if (!sources.has(file)) {
            const text = read(file);
            sources.set(file, text === undefined ? undefined : redactSource(text));
          }
          return sources.get(file);
        }
      : undefined,
  };
}
