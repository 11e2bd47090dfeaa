import { checkProject } from '../check/check-project.js';
import type { CheckFlags } from './commands/check.js';
import { envFiles } from './env-files.js';
import { findingsExitCode } from './exit-codes.js';
import { runFixes } from './run-fix.js';
import { reportFindings, reportOptions } from './report-findings.js';
import { ruleLookup } from './rule-lookup.js';

export function runCheck(paths: string[], flags: CheckFlags): number {
  const { maxWarnings } = reportOptions(flags);
  const cwd = process.cwd();
  const check = () =>
    checkProject({ cwd, paths, envs: flags.env, ignoreUnknown: flags.ignoreUnknown === true });
  let result = check();
  if (flags.fix || flags.fixDryRun) result = runFixes(result, flags, cwd, check);
  reportFindings(result.findings, flags, {
    cwd,
    files: result.files,
    envs: [...new Set(result.projects.flatMap((p) => p.checkedEnvs))],
    envFiles: envFiles(result),
    rules: ruleLookup(
      result.projects.map((p) => p.rules.registry),
      cwd,
    ),
  });
  return findingsExitCode(result.findings, result.fatal, maxWarnings);
}
