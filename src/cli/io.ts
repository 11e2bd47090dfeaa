/** Terminal and file output shared by the commands. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readGuardedText } from '../config/read-file.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { countsPhrase, problemCounts } from '../report/summary.js';

export function useColor(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flag === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/**
 * Writes the report to --output (atomically: temp file + rename) or stdout. With --output,
 * one line on stderr says where it went and what it holds, so a run never looks silent.
 */
export function writeReport(text: string, output?: string, findings?: readonly Finding[]): void {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  // A report replaces a regular file or nothing: never a device (`-o /dev/null` as root would
  // become a regular file), a FIFO, a socket or a directory.
  const existing = statSync(output, { throwIfNoEntry: false });
  if (existing && !existing.isFile())
    throw new UsageError(`--output ${output}: not a regular file; nothing was written`);
  // An unguessable name, created exclusively: a link planted under it is never followed.
  const tmp = join(dirname(output), `.${randomBytes(8).toString('hex')}.exportctl.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, output);
  if (findings) {
    const c = problemCounts(findings);
    const n = c.errors + c.warnings + c.infos;
    const what = n === 0 ? 'no problems' : `${n} problem${n === 1 ? '' : 's'} (${countsPhrase(c)})`;
    process.stderr.write(`exportctl: wrote ${output}: ${what}\n`);
  }
}

export function parseNonNegativeInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} expects a whole number, got "${value}"`);
  return Number(value);
}

/** commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter(Boolean)];
}

/** A source file's text for code frames, or undefined when it cannot (or must not) be read. */
export function readSourceText(file: string): string | undefined {
  const read = readGuardedText(file, { kind: 'terraform' });
  return read.ok ? read.text : undefined;
}
