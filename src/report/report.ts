/** What every output format receives, and the registry of formats. */
import { relative } from 'node:path';
import type { Finding } from '../diagnostics/finding.js';

export interface ReportInput {
  findings: Finding[];
  /** Paths in reports are relative to this directory. */
  cwd: string;
  /** Absolute paths of every file that was checked. */
  files: string[];
  /** Environments checked. */
  envs: string[];
  /** ANSI colors. */
  color: boolean;
  /** Show the offending source lines under each finding (a TTY). */
  codeFrames: boolean;
  /** Source text of a file, for code frames. */
  readSource?: (file: string) => string | undefined;
}

export type Formatter = (input: ReportInput) => string;

export function relativeFile(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel === '' ? '.' : rel.split('\\').join('/');
}
