import type { Command } from 'commander';
import type { ReportFlags } from '../report-findings.js';

export interface PlanCheckFlags extends ReportFlags {
  env: string;
  project?: string;
}

export function registerPlanCheckCommand(program: Command): void {
  program
    .command('plan-check')
    .description('rules on `terraform show -json` plan output (plan/protected-destroy, plan/required-tags)')
    .argument('<plan>', 'plan JSON: terraform show -json PLANFILE > plan.json')
    .requiredOption('--env <name>', 'environment the plan belongs to')
    .option(
      '--project <dir>',
      'project directory or manifest (default: the project above the current directory)',
    )
    .option('-f, --format <format>', 'text | json | sarif | junit | github | gitlab', 'text')
    .option('-o, --output <file>', 'write the report to a file')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('-q, --quiet', 'report errors only')
    .option('--no-color', 'no ANSI colors (also NO_COLOR)')
    .action(async (plan: string, flags: PlanCheckFlags) => {
      const { runPlanCheck } = await import('../run-plan-check.js');
      process.exitCode = runPlanCheck(plan, flags);
    });
}
