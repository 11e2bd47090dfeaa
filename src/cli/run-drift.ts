import { checkProject } from '../check/check-project.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { DRIFT_FORMATS } from '../drift/format/index.js';
import { terminalWidth } from '../drift/format/fit.js';
import { selectSides } from '../drift/model.js';
import type { ProjectDrift } from '../drift/project-drift.js';
import { createDriftStage } from '../drift/stage.js';
import { formatTextReport } from '../report/formats.js';
import type { DriftFlags } from './commands/drift.js';
import { envFiles } from './env-files.js';
import { findingsExitCode, unreadableProjectExitCode } from './exit-codes.js';
import { parseNonNegativeInt, readSourceText, useColor, writeReport } from './io.js';
import { reportFindings } from './report-findings.js';
import { ruleLookup } from './rule-lookup.js';

/** Rules whose findings mean the environments could not be compared at all. */
const BLOCKING = new Set(['yaml/syntax', 'io/read']);

/** Formats of `check` that drift reports its findings in, for CI (code scanning, annotations, MR widgets). */
const CI_FORMATS = new Set(['sarif', 'junit', 'github', 'gitlab']);

export function runDrift(flags: DriftFlags): number {
  const formatter = DRIFT_FORMATS[flags.format];
  if (!formatter && !CI_FORMATS.has(flags.format)) {
    throw new UsageError(
      `unknown format "${flags.format}" (choose ${[...Object.keys(DRIFT_FORMATS), ...CI_FORMATS].join(', ')})`,
    );
  }
  const maxWarnings =
    flags.maxWarnings === undefined ? undefined : parseNonNegativeInt(flags.maxWarnings, '--max-warnings');
  const cwd = process.cwd();
  let drift: ProjectDrift | undefined;
  const result = checkProject({
    cwd,
    paths: flags.project ? [flags.project] : undefined,
    envs: flags.env,
    stages: [createDriftStage((d) => (drift = d))],
  });
  const checked = result.projects[0];
  if (!checked || !drift) {
    // The project or one of its files cannot be read: nothing to compare.
    const problems = result.findings.filter((f) => f.severity === 'error');
    process.stderr.write(
      formatTextReport({
        findings: problems.length > 0 ? problems : result.findings,
        cwd,
        files: result.files,
        envs: flags.env ?? [],
        color: useColor(flags.color, process.stderr),
        codeFrames: false,
      }),
    );
    return unreadableProjectExitCode(result.fatal);
  }

  // Schema and policy problems are `check`'s to report; drift shows what differs. A row the
  // schema rejects (an unknown key) carries no drift finding: its schema finding explains it.
  const rejected = (f: Finding) =>
    f.rule === 'schema/invalid' &&
    f.env !== undefined &&
    f.path !== undefined &&
    checked.rejectedKeys.get(f.env)?.has(f.path) === true;
  const findings = result.findings.filter(
    (f) => f.rule.startsWith('drift/') || BLOCKING.has(f.rule) || rejected(f),
  );
  if (!formatter) {
    reportFindings(findings, flags, {
      cwd,
      files: result.files,
      envs: checked.checkedEnvs,
      envFiles: envFiles(result),
      rules: ruleLookup([checked.rules.registry], cwd),
    });
    return findingsExitCode(findings, result.fatal, maxWarnings);
  }
  const comparison = selectSides(drift.comparison, new Set(checked.checkedEnvs));
  const toTerminal = !flags.output && process.stdout.isTTY === true;
  const text = formatter({
    drift,
    comparison,
    findings,
    cwd,
    files: result.files,
    all: flags.all === true,
    color: !flags.output && flags.format === 'text' && useColor(flags.color),
    codeFrames: toTerminal && flags.format === 'text',
    readSource: readSourceText,
    width: terminalWidth(),
  });
  writeReport(text, flags.output, findings);
  return findingsExitCode(findings, result.fatal, maxWarnings);
}
