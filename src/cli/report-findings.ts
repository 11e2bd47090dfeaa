import { gitRoot } from '../config/confinement.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { FORMATTERS, formatTextReport } from '../report/formats.js';
import type { Formatter, ReportInput } from '../report/report.js';
import { parseNonNegativeInt, readSourceText, useColor, writeReport } from './io.js';
import { ruleLookup } from './rule-lookup.js';

export interface ReportFlags {
  format: string;
  output?: string;
  maxWarnings?: string;
  quiet?: boolean;
  color?: boolean;
}

/** Validates --format and --max-warnings before any work is done. */
export function reportOptions(flags: ReportFlags): { formatter: Formatter; maxWarnings?: number } {
  const formatter = FORMATTERS[flags.format];
  if (!formatter) {
    throw new UsageError(`unknown format "${flags.format}" (choose ${Object.keys(FORMATTERS).join(', ')})`);
  }
  const maxWarnings =
    flags.maxWarnings === undefined ? undefined : parseNonNegativeInt(flags.maxWarnings, '--max-warnings');
  return { formatter, maxWarnings };
}

export function reportFindings(
  findings: Finding[],
  flags: ReportFlags,
  context: { cwd: string; files: string[]; envs: string[] } & Pick<ReportInput, 'envFiles' | 'rules'>,
): void {
  const { formatter } = reportOptions(flags);
  const shown = flags.quiet ? findings.filter((f) => f.severity === 'error') : findings;
  const text = formatter({
    findings: shown,
    cwd: context.cwd,
    files: context.files,
    envs: context.envs,
    root: gitRoot(context.cwd) ?? context.cwd,
    envFiles: context.envFiles,
    // The built-in rules, unless the command knows the project's own packs too.
    rules: context.rules ?? ruleLookup([], context.cwd),
    color: !flags.output && useColor(flags.color),
    codeFrames: !flags.output && process.stdout.isTTY === true && flags.format === 'text',
    readSource: readSourceText,
  });
  writeReport(text, flags.output, shown);
}

/**
 * A command that refuses an environment (export, print, serve, drift --live, plan): its findings
 * — in the command's own report format with `flags`, else as text on stderr — then
 * `exportctl: <message>` on stderr when there is one.
 */
export function reportRefusal(context: {
  findings: Finding[];
  cwd: string;
  files: string[];
  envs: string[];
  message?: string;
  flags?: ReportFlags;
}): void {
  const { findings, cwd, files, envs } = context;
  if (context.flags) reportFindings(findings, context.flags, { cwd, files, envs });
  else
    process.stderr.write(formatTextReport({ findings, cwd, files, envs, color: false, codeFrames: false }));
  if (context.message !== undefined) process.stderr.write(`exportctl: ${context.message}\n`);
}
