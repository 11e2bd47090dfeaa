import type { Command } from 'commander';
import { withReportOptions } from './report-options.js';
import { collect } from '../io.js';
import type { BaselineFlags } from '../check-baseline.js';

export interface CheckFlags extends BaselineFlags {
  env?: string[];
  format: string;
  output?: string;
  maxWarnings?: string;
  quiet?: boolean;
  color?: boolean;
  ignoreUnknown?: boolean;
  fix?: boolean;
  fixDryRun?: boolean;
}

export function registerCheckCommand(program: Command): void {
  withReportOptions(
    program
      .command('check')
      .description('schema + policy checks; PATH = project dir, manifest or any config file')
      .argument(
        '[paths...]',
        'project directories, manifests or config files (default: the project above the current directory)',
      )
      .option('--env <name>', 'check only this environment (repeatable)', collect)
      .option(
        '--ignore-unknown',
        'skip given files that belong to no project and declare no exportctl kind (for hooks)',
      )
      .option(
        '--new-since <ref>',
        'fail only on findings absent at git revision REF; the rest are reported as existing',
      )
      .option('--baseline <file>', 'fail only on findings whose fingerprints are not in this baseline file')
      .option(
        '--update-baseline',
        'write the current findings to the --baseline file (sorted JSON, no messages)',
      )
      .option('--fix', 'apply the safe fixes in place, then check again and report what remains')
      .option('--fix-dry-run', 'print the safe fixes as a unified diff; change nothing'),
  ).action(async (paths: string[], flags: CheckFlags) => {
    const { runCheck } = await import('../run-check.js');
    process.exitCode = runCheck(paths, flags);
  });
}
