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
import { EXIT, errorExitCode, isKnownError } from './exit-codes.js';
import { errorLine } from '../config/error-text.js';
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
    // commander has already said what is wrong with the command line (help and version: 0).
    if (err instanceof CommanderError) return errorExitCode(err);
    if (isKnownError(err)) {
      const code = err instanceof UsageError ? '' : `${err.code}: `;
      process.stderr.write(`exportctl: ${code}${redactText(err.message)}\n`);
    } else {
      // A bug of ours: one line, and the stack only when asked for.
      const debug = debugEnabled(process.env.EXPORTCTL_DEBUG);
      process.stderr.write(
        `exportctl: internal error: ${errorLine(err)}${debug ? '' : ' (EXPORTCTL_DEBUG=1 shows the stack)'}\n`,
      );
      if (debug) process.stderr.write(`${redactText((err as Error)?.stack ?? '')}\n`);
    }
    return errorExitCode(err);
  }
}

function debugEnabled(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
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
