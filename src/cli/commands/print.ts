import type { Command } from 'commander';
import { projectOption } from './report-options.js';

export interface PrintFlags {
  env: string;
  provenance?: boolean;
  format: string;
  project?: string;
}

export function registerPrintCommand(program: Command): void {
  program
    .command('print')
    .description('the effective config of an environment, secrets redacted')
    .requiredOption('--env <name>', 'environment')
    .option('--provenance', 'annotate every value with the file:line:col that set it')
    .option('-f, --format <format>', 'yaml | json', 'yaml')
    .addOption(projectOption())
    .action(async (flags: PrintFlags) => {
      const { runPrint } = await import('../run-print.js');
      process.exitCode = runPrint(flags);
    });
}
