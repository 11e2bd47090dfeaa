import type { Command } from 'commander';

export interface ExplainFlags {
  format: string;
  list?: boolean;
}

/** `exportctl explain [RULE]`: a rule's documentation and examples; without RULE, every rule id. */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      "a rule's documentation: what it demands, why, a failing and a passing example; without RULE (or --list), every rule id",
    )
    .argument('[rule]', 'rule id, e.g. export/chunk-size')
    .option('--list', 'list every rule id with its one-line description')
    .option('-f, --format <format>', 'text | json', 'text')
    .action(async (rule: string | undefined, flags: ExplainFlags) => {
      const { runExplain, runExplainList } = await import('../run-explain.js');
      process.exitCode = rule === undefined || flags.list ? runExplainList(flags) : runExplain(rule, flags);
    });
}
