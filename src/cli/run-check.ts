import { checkProject } from '../check/check-project.js';
import type { CheckFlags } from './commands/check.js';
import { findingsExitCode } from './exit-codes.js';
import { reportFindings, reportOptions } from './report-findings.js';

export function runCheck(paths: string[], flags: CheckFlags): number {
  const { maxWarnings } = reportOptions(flags);
  const cwd = process.cwd();
  const result = checkProject({ cwd, paths, envs: flags.env });
  reportFindings(result.findings, flags, {
    cwd,
    files: result.files,
    envs: [...new Set(result.projects.flatMap((p) => p.checkedEnvs))],
  });
  return findingsExitCode(result.findings, result.fatal, maxWarnings);
}
