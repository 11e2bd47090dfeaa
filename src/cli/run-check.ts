import { readFileSync } from 'node:fs';
import { checkProject } from '../check/check-project.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { FORMATTERS } from '../report/formats.js';
import type { CheckFlags } from './commands/check.js';
import { findingsExitCode } from './exit-codes.js';
import { parseNonNegativeInt, useColor, writeReport } from './io.js';

export function runCheck(paths: string[], flags: CheckFlags): number {
  const formatter = FORMATTERS[flags.format];
  if (!formatter) {
    throw new UsageError(`unknown format "${flags.format}" (choose ${Object.keys(FORMATTERS).join(', ')})`);
  }
  const maxWarnings =
    flags.maxWarnings === undefined ? undefined : parseNonNegativeInt(flags.maxWarnings, '--max-warnings');
  const cwd = process.cwd();
  const result = checkProject({ cwd, paths, envs: flags.env });
  const shown = flags.quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  const toTerminal = !flags.output && process.stdout.isTTY === true;
  const text = formatter({
    findings: shown,
    cwd,
    files: result.files,
    envs: [...new Set(result.projects.flatMap((p) => p.checkedEnvs))],
    color: !flags.output && useColor(flags.color),
    codeFrames: toTerminal && flags.format === 'text',
    readSource: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  writeReport(text, flags.output);
  return findingsExitCode(result.findings, result.fatal, maxWarnings);
}
