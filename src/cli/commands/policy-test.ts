import type { Command } from 'commander';
import { noColorOption } from './report-options.js';

export interface PolicyTestFlags {
  builtin: boolean;
  format: string;
  color?: boolean;
}

/** `exportctl policy test [DIR]`: run the pass/fail fixtures of every rule. */
export function registerPolicyTestCommand(program: Command): void {
  const policy =
    program.commands.find((c) => c.name() === 'policy') ??
    program.command('policy').description('policy packs: test their fixtures');
  policy
    .command('test')
    .description(
      "run policy packs' fixtures: the built-in packs and a project's local packs (or the packs in DIR)",
    )
    .argument(
      '[dir]',
      'a project directory, or a pack file or directory of packs (default: the project above the current directory)',
    )
    .option('--no-builtin', "skip the built-in packs' fixtures")
    .option('-f, --format <format>', 'text | json', 'text')
    .addOption(noColorOption())
    .action(async (dir: string | undefined, flags: PolicyTestFlags) => {
      const { runPolicyTest } = await import('../run-policy-test.js');
      process.exitCode = runPolicyTest(dir, flags);
    });
}
