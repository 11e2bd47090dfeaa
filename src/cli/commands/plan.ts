import type { Command } from 'commander';
import { projectOption, withReportOptions } from './report-options.js';
import type { ReportFlags } from '../report-findings.js';

export interface PlanFlags extends ReportFlags {
  env: string;
  out: string;
  project?: string;
}

export function registerPlanCommand(program: Command): void {
  withReportOptions(
    program
      .command('plan')
      .description(
        'synth, then terraform init, plan -out, show -json, then plan-check: the plan pipeline for CI',
      )
      .requiredOption('--env <name>', 'environment to plan')
      .option('--out <dir>', 'synth output directory (plan files go next to the stack)', 'cdktf.out')
      .addOption(projectOption()),
  ).action(async (flags: PlanFlags) => {
    const { runPlan } = await import('../run-plan.js');
    process.exitCode = await runPlan(flags);
  });
}
