#!/usr/bin/env node
/**
 * The exportctl command line: a thin shell over the library. Each command module registers
 * itself and loads its implementation lazily, so `check` never pays for cdktf, pg or the exporter.
 */
import { Command, CommanderError, Help, type Option } from 'commander';
import { UsageError } from '../diagnostics/usage-error.js';
import { packageVersion } from '../package-root.js';
import { registerCheckCommand } from './commands/check.js';
import { registerDepsCommand } from './commands/deps.js';
import { registerDriftCommand } from './commands/drift.js';
import { registerExplainCommand } from './commands/explain.js';
import { registerExportCommand } from './commands/export.js';
import { registerInitCommand } from './commands/init.js';
import { registerPolicyTestCommand } from './commands/policy-test.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerPlanCheckCommand } from './commands/plan-check.js';
import { registerPrintCommand } from './commands/print.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSynthCommand } from './commands/synth.js';
import { EXIT } from './exit-codes.js';
import { redactText } from '../config/secrets.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('exportctl')
    .description('Configuration as code for a data-export service: check, drift, synth, export.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Options a command cannot run without (`requiredOption`) say so in every --help.
    .configureHelp({
      optionDescription: (option: Option) => {
        const text = Help.prototype.optionDescription.call(new Help(), option);
        return option.mandatory ? `${text} (required)` : text;
      },
    })
    .exitOverride();
  registerCheckCommand(program);
  registerDriftCommand(program);
  registerPrintCommand(program);
  registerPolicyTestCommand(program);
  registerExplainCommand(program);
  registerSynthCommand(program);
  registerPlanCommand(program);
  registerPlanCheckCommand(program);
  registerDepsCommand(program);
  registerInitCommand(program);
  registerExportCommand(program);
  registerServeCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    process.exitCode = undefined;
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; every other commander complaint is a usage error
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`exportctl: ${redactText(err.message)}\n`);
      return EXIT.USAGE;
    }
    const e = err as Error;
    process.stderr.write(`exportctl: internal error: ${redactText(e?.message ?? String(err))}\n`);
    if (process.env.EXPORTCTL_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return EXIT.USAGE;
  }
}

// A reader that goes away (`exportctl drift --format json | head`) is not an error of ours:
// the rest of the output is dropped and the exit code stays the one the command decided.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

const code = await main(process.argv);
process.exitCode = code;
