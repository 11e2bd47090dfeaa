import { resolve } from 'node:path';
import { findManifest } from '../config/find-project.js';
import { loadProject } from '../project/load-project.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { checkPlan } from '../plan/check-plan.js';
import { parsePlanJson } from '../plan/plan-json.js';
import { readShowJsonText } from '../terraform/show-json.js';
import type { PlanCheckFlags } from './commands/plan-check.js';
import { findingsExitCode } from './exit-codes.js';
import { reportFindings, reportOptions } from './report-findings.js';

/** Whether an environment of the project above `cwd` (or `--project`) is protected. */
export function environmentProtection(cwd: string, project: string | undefined, env: string): boolean {
  const start = resolve(cwd, project ?? '.');
  const manifest = findManifest(start);
  if (!manifest) {
    throw new UsageError(
      `no exportctl.yaml in ${project ?? 'this directory'} or above it: plan-check reads the manifest to know whether ${env} is protected (pass --project DIR)`,
    );
  }
  const load = loadProject(manifest);
  if (!load.project) throw new UsageError(`${manifest}: the manifest cannot be used (run exportctl check)`);
  const spec = load.project.environments.find((e) => e.name === env);
  if (!spec) {
    throw new UsageError(
      `unknown environment "${env}" (known: ${load.project.environments.map((e) => e.name).join(', ')})`,
    );
  }
  return spec.protected;
}

export function runPlanCheck(planFile: string, flags: PlanCheckFlags): number {
  const { maxWarnings } = reportOptions(flags);
  const cwd = process.cwd();
  const file = resolve(cwd, planFile);
  const text = readShowJsonText(cwd, planFile);
  const isProtected = environmentProtection(cwd, flags.project, flags.env);
  const plan = parsePlanJson(text, planFile);
  const findings = checkPlan({ plan, file, text, env: flags.env, protected: isProtected });
  reportFindings(findings, flags, { cwd, files: [file], envs: [flags.env] });
  return findingsExitCode(findings, false, maxWarnings);
}
