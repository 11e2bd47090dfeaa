import type { Command } from 'commander';
import { collect } from '../io.js';
import type { ReportFlags } from '../report-findings.js';
import { noColorOption, projectOption } from './report-options.js';

export interface SynthFlags extends ReportFlags {
  out: string;
  env?: string[];
  project?: string;
}

export function registerSynthCommand(program: Command): void {
  program
    .command('synth')
    .description(
      'Terraform JSON (CDKTF stacks <project>-<env>) for every environment; refuses while check has errors',
    )
    .option(
      '--out <dir>',
      'output directory (stacks go to <dir>/stacks/<project>-<env>/cdk.tf.json)',
      'cdktf.out',
    )
    .option(
      '--env <name>',
      'write only this environment (repeatable; every environment is still checked)',
      collect,
    )
    .addOption(projectOption())
    .option(
      '-f, --format <format>',
      'format of the findings report: text | json | sarif | junit | github | gitlab',
      'text',
    )
    .option('-o, --output <file>', 'write the findings report to a file')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('-q, --quiet', 'report errors only')
    .addOption(noColorOption())
    .action(async (flags: SynthFlags) => {
      const { runSynth } = await import('../run-synth.js');
      process.exitCode = await runSynth(flags);
    });
}
