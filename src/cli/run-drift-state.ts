/** `exportctl drift --state STATE.json --env E`: deployed Terraform state against what synth declares. */
import { compareFindings } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { stateDriftForProject } from '../synth/state-drift-project.js';
import { findingsExitCode, refusalExitCode } from './exit-codes.js';
import { type ReportFlags, reportFindings, reportOptions } from './report-findings.js';

export interface DriftStateFlags extends ReportFlags {
  env?: string[];
  project?: string;
}

export async function runDriftState(stateFile: string, flags: DriftStateFlags): Promise<number> {
  const { maxWarnings } = reportOptions(flags);
  if (flags.env?.length !== 1)
    throw new UsageError('--state needs exactly one --env (the environment the state belongs to)');
  const cwd = process.cwd();
  const r = await stateDriftForProject({ cwd, project: flags.project, env: flags.env![0], stateFile });
  const findings = [...r.findings].sort(compareFindings);
  reportFindings(findings, flags, { cwd, files: r.files, envs: flags.env });
  if (r.synth.refusal) return refusalExitCode(r.synth.refusal);
  return findingsExitCode(findings, false, maxWarnings);
}
