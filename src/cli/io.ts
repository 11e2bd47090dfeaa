/** Terminal and file output shared by the commands. */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readGuardedText } from '../config/read-file.js';
import { UsageError } from '../diagnostics/usage-error.js';

export function useColor(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flag === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** Writes the report to --output (atomically: temp file + rename) or stdout. */
export function writeReport(text: string, output?: string): void {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  const tmp = join(dirname(output), `.${process.pid}.${Date.now()}.exportctl.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, output);
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
