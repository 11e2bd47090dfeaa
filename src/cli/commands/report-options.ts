/** Options every command that reports findings shares (docs/reference.md#common-options). */
import { type Command, Option } from 'commander';

export const CI_FORMATS = 'text | json | sarif | junit | github | gitlab';

export function withReportOptions(cmd: Command, formats = CI_FORMATS): Command {
  return cmd
    .option('-f, --format <format>', formats, 'text')
    .option('-o, --output <file>', 'write the report to a file')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('-q, --quiet', 'report errors only')
    .addOption(noColorOption());
}

/** `--no-color`, the same for every command that colours its text. */
export function noColorOption(): Option {
  return new Option('--no-color', 'no ANSI colors (also NO_COLOR)');
}

/** `--project <dir>`, the same for every command that works on one project. */
export function projectOption(): Option {
  return new Option(
    '--project <dir>',
    'project directory or manifest (default: the project above the current directory)',
  );
}
