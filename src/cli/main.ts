#!/usr/bin/env node
/**
 * The exportctl command line: a thin shell over the library. Each command module registers
 * itself and loads its implementation lazily, so `check` never pays for cdktf, pg or the exporter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../diagnostics/usage-error.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { registerCheckCommand } from './commands/check.js';
import { registerExportCommand } from './commands/export.js';
import { registerPrintCommand } from './commands/print.js';
import { registerServeCommand } from './commands/serve.js';
import { EXIT } from './exit-codes.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('exportctl')
    .description('Configuration as code for a data-export service: check, drift, synth, export.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCheckCommand(program);
  registerPrintCommand(program);
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
      process.stderr.write(`exportctl: ${err.message}\n`);
      return EXIT.USAGE;
    }
    const e = err as Error;
    process.stderr.write(`exportctl: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.EXPORTCTL_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return EXIT.USAGE;
  }
}

const code = await main(process.argv);
process.exitCode = code;
