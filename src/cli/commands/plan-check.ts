import type { Command } from 'commander';
import { projectOption, withReportOptions } from './report-options.js';
import type { ReportFlags } from '../report-findings.js';

export interface PlanCheckFlags extends ReportFlags {
  env: string;
  project?: string;
}

export function registerPlanCheckCommand(program: Command): void {
  withReportOptions(
    program
      .command('plan-check')
      .description('rules on `terraform show -json` plan output (plan/protected-destroy, plan/required-tags)')
      .argument('<plan>', 'plan JSON: terraform show -json PLANFILE > plan.json')
      .requiredOption('--env <name>', 'environment the plan belongs to')
      .addOption(projectOption()),
  ).action(async (plan: string, flags: PlanCheckFlags) => {
    const { runPlanCheck } = await import('../run-plan-check.js');
    process.exitCode = runPlanCheck(plan, flags);
  });
}
