import type { Command } from 'commander';
import { collect } from '../io.js';
import { noColorOption, projectOption } from './report-options.js';

export interface DepsFlags {
  env?: string[];
  format: string;
  output?: string;
  project?: string;
  color?: boolean;
}

export function registerDepsCommand(program: Command): void {
  program
    .command('deps')
    .description('dependency constraints, conflicts and the requirement graph of each environment')
    .option('--env <name>', 'only this environment (repeatable)', collect)
    .option('-f, --format <format>', 'text | json | dot | mermaid', 'text')
    .option('-o, --output <file>', 'write to a file')
    .addOption(projectOption())
    .addOption(noColorOption())
    .action(async (flags: DepsFlags) => {
      const { runDeps } = await import('../run-deps.js');
      process.exitCode = runDeps(flags);
    });
}
