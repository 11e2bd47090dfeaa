import type { Command } from 'commander';
import type { ReportFlags } from '../report-findings.js';

export interface PlanFlags extends ReportFlags {
  env: string;
  out: string;
  project?: string;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'synth, then terraform init, plan -out, show -json, then plan-check: the plan pipeline for CI',
    )
    .requiredOption('--env <name>', 'environment to plan')
    .option('--out <dir>', 'synth output directory (plan files go next to the stack)', 'cdktf.out')
    .option(
      '--project <dir>',
      'project directory or manifest (default: the project above the current directory)',
    )
    .option('-f, --format <format>', 'text | json | sarif | junit | github | gitlab', 'text')
    .option('-o, --output <file>', 'write the report to a file')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('-q, --quiet', 'report errors only')
    .option('--no-color', 'no ANSI colors (also NO_COLOR)')
    .action(async (flags: PlanFlags) => {
      const { runPlan } = await import('../run-plan.js');
      process.exitCode = await runPlan(flags);
    });
}
