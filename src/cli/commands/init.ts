import type { Command } from 'commander';

export interface InitFlags {
  name?: string;
  force?: boolean;
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description(
      'scaffold a project (manifest, base, dev/staging/prod overlays, a policy pack) that passes check',
    )
    .argument('[dir]', 'directory to create the project in', '.')
    .option('--name <name>', 'project name (default: from the directory name)')
    .option('--force', 'overwrite files that already exist')
    .action(async (dir: string, flags: InitFlags) => {
      const { runInit } = await import('../run-init.js');
      process.exitCode = runInit(dir, flags);
    });
}
