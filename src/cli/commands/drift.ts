import type { Command } from 'commander';
import { collect } from '../io.js';
import { noColorOption, projectOption } from './report-options.js';

export interface DriftFlags {
  env?: string[];
  format: string;
  output?: string;
  project?: string;
  all?: boolean;
  maxWarnings?: string;
  color?: boolean;
  state?: string;
  live?: string;
  quiet?: boolean;
}

export function registerDriftCommand(program: Command): void {
  program
    .command('drift')
    .description('the environments side by side: every difference from the reference, allowed or drift')
    .option('--env <name>', 'show only this environment beside the reference (repeatable)', collect)
    .option(
      '-f, --format <format>',
      'text | json | markdown | html | sarif | junit | github | gitlab',
      'text',
    )
    .option('-o, --output <file>', 'write the report to a file')
    .addOption(projectOption())
    .option('--all', 'show every key, not only those that differ')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .addOption(noColorOption())
    .option(
      '--state <file>',
      'compare deployed Terraform state (terraform show -json) with what synth declares; needs one --env',
    )
    .option(
      '--live <url>',
      "compare a running service's /config with the declared config; needs one --env (token from EXPORTCTL_TOKEN)",
    )
    .action(async (flags: DriftFlags) => {
      if (flags.live) {
        const { runDriftLive } = await import('../run-drift-live.js');
        process.exitCode = await runDriftLive(flags.live, flags);
        return;
      }
      if (flags.state) {
        const { runDriftState } = await import('../run-drift-state.js');
        process.exitCode = await runDriftState(flags.state, flags);
        return;
      }
      const { runDrift } = await import('../run-drift.js');
      process.exitCode = runDrift(flags);
    });
}
