import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareFindings } from '../diagnostics/finding.js';
import { checkPlan } from '../plan/check-plan.js';
import { parsePlanJson } from '../plan/plan-json.js';
import { findTerraform, runTerraform, TerraformError } from '../plan/terraform-cli.js';
import { synthProject } from '../synth/synth-project.js';
import { PACKAGE_FILE } from '../terraform/deploy/layout.js';
import { stackDir, writeStacks } from '../terraform/synth.js';
import type { PlanFlags } from './commands/plan.js';
import { EXIT, errorExitCode, findingsExitCode, refusalExitCode } from './exit-codes.js';
import { reportFindings, reportOptions, reportRefusal } from './report-findings.js';
import { displayPath } from './run-synth.js';

export const PLAN_FILE = 'plan.tfplan';
export const PLAN_JSON = 'plan.json';

export async function runPlan(flags: PlanFlags): Promise<number> {
  const { maxWarnings } = reportOptions(flags);
  const cwd = process.cwd();
  let bin: string;
  try {
    bin = findTerraform();
  } catch (e) {
    if (!(e instanceof TerraformError)) throw e;
    process.stderr.write(`exportctl: ${e.message}\n`);
    return errorExitCode(e);
  }
  const r = await synthProject({ cwd, project: flags.project, envs: [flags.env] });
  const stack = r.stacks[0];
  if (r.refused || !stack) {
    reportRefusal({
      findings: r.findings,
      cwd,
      files: r.files,
      envs: [flags.env],
      message: r.refused && !r.fatal ? 'plan refused: check has errors (fix them first)' : undefined,
      flags,
    });
    return r.refusal ? refusalExitCode(r.refusal) : EXIT.FINDINGS;
  }
  const [file] = writeStacks(resolve(cwd, flags.out), [stack], r.emitterName ?? 'unknown');
  const dir = stackDir(resolve(cwd, flags.out), stack.name);
  process.stderr.write(`synthesized ${stack.name}: ${displayPath(cwd, file)}\n`);

  // The stack ships the package it runs; terraform would only say "filemd5: no file exists".
  if (stack.spec.deployment && !existsSync(join(dir, PACKAGE_FILE))) {
    process.stderr.write(
      `exportctl: ${displayPath(cwd, join(dir, PACKAGE_FILE))} is missing: the stack ships the exportctl package to its instances; put the \`npm pack\` tarball of the exportctl to deploy there (README "Deployed architecture")\n`,
    );
    return EXIT.USAGE;
  }
  const planFile = join(dir, PLAN_FILE);
  const planJsonFile = join(dir, PLAN_JSON);
  let text: string;
  try {
    runTerraform(bin, ['init', '-input=false', '-no-color'], dir, `terraform init of ${stack.name}`, {
      capture: true,
    });
    runTerraform(
      bin,
      ['plan', '-input=false', '-no-color', `-out=${PLAN_FILE}`],
      dir,
      `terraform plan of ${stack.name}`,
    );
    text = runTerraform(bin, ['show', '-json', '-no-color', PLAN_FILE], dir, 'terraform show -json', {
      capture: true,
    }).stdout;
  } catch (e) {
    if (!(e instanceof TerraformError)) throw e;
    process.stderr.write(`exportctl: ${e.message}\n`);
    return errorExitCode(e);
  }
  writeFileSync(planJsonFile, text);
  process.stderr.write(`plan: ${displayPath(cwd, planFile)}, ${displayPath(cwd, planJsonFile)}\n`);

  const isProtected = r.project?.environments.find((e) => e.name === flags.env)?.protected === true;
  const planFindings = checkPlan({
    plan: parsePlanJson(text, planJsonFile),
    file: planJsonFile,
    text,
    env: flags.env,
    protected: isProtected,
  });
  const findings = [...r.findings, ...planFindings].sort(compareFindings);
  reportFindings(findings, flags, { cwd, files: [...r.files, planJsonFile], envs: [flags.env] });
  return findingsExitCode(findings, false, maxWarnings);
}
