import type { Command } from 'commander';
import { projectOption } from './report-options.js';

export interface ExportFlags {
  env: string;
  user?: string;
  out?: string;
  resume?: string | true;
  full?: boolean;
  format: string;
  project?: string;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('run one export job from the validated config')
    .requiredOption('--env <name>', 'environment')
    .option('--user <name>', 'who asks (per-user rate limit; default: the OS user)')
    .option('--out <file>', 'output file (default: <output.dir>/<name>-<env>-<job>.<csv|jsonl>)')
    .option(
      '--resume [job]',
      'resume a job from its checkpoint (default: the newest unfinished job of --env)',
    )
    .option('--full', 'ignore the incremental high-water mark and export every row')
    .option('-f, --format <format>', 'summary format: text | json', 'text')
    .addOption(projectOption())
    .action(async (flags: ExportFlags) => {
      const { runExportCommand } = await import('../run-export.js');
      process.exitCode = await runExportCommand(flags);
    });
}
