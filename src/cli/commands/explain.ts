import type { Command } from 'commander';

export interface ExplainFlags {
  format: string;
}

/** `exportctl explain RULE`: a rule's documentation and examples. */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description("a rule's documentation: what it demands, why, a failing and a passing example")
    .argument('<rule>', 'rule id, e.g. export/chunk-size')
    .option('-f, --format <format>', 'text | json', 'text')
    .action(async (rule: string, flags: ExplainFlags) => {
      const { runExplain } = await import('../run-explain.js');
      process.exitCode = runExplain(rule, flags);
    });
}
