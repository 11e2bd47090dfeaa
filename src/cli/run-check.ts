import { checkProject } from '../check/check-project.js';
import type { CheckFlags } from './commands/check.js';
import { envFiles } from './env-files.js';
import { findingsExitCode } from './exit-codes.js';
import { runFixes } from './run-fix.js';
import { reportFindings, reportOptions } from './report-findings.js';
import { ruleLookup } from './rule-lookup.js';
import { applyBaseline, baselineOptions } from './check-baseline.js';

export function runCheck(paths: string[], flags: CheckFlags): number {
  const { maxWarnings } = reportOptions(flags);
  baselineOptions(flags);
  const cwd = process.cwd();
  const options = { cwd, paths, envs: flags.env, ignoreUnknown: flags.ignoreUnknown === true };
  const check = () => checkProject(options);
  let result = check();
  if (flags.fix || flags.fixDryRun) result = runFixes(result, flags, cwd, check);
  const findings = applyBaseline(result.findings, flags, options);
  reportFindings(findings, flags, {
    cwd,
    files: result.files,
    envs: [...new Set(result.projects.flatMap((p) => p.checkedEnvs))],
    envFiles: envFiles(result),
    rules: ruleLookup(
      result.projects.map((p) => p.rules.registry),
      cwd,
    ),
  });
  // Findings present at the base (--new-since, --baseline) are reported but never fail.
  const gating = findings.filter((f) => f.baselineState !== 'unchanged');
  return findingsExitCode(gating, result.fatal, maxWarnings);
}
