/** What every output format receives, and the registry of formats. */
import { relative } from 'node:path';
import type { Finding, Severity } from '../diagnostics/finding.js';

/** What a report says about a rule (SARIF's rule table). Comes from the rule registry. */
export interface RuleDoc {
  /** One sentence: what the rule demands. */
  description: string;
  defaultSeverity: Severity;
  /** Why it matters. */
  rationale?: string;
  /** The full documentation, as `exportctl explain` prints it. */
  help?: string;
  helpUri?: string;
}

/** Rule documentation by id; `undefined` for an id it does not know (the id then stands in). */
export type RuleLookup = (id: string) => RuleDoc | undefined;

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
  /**
   * The repository root. The CI formats (sarif, junit, github, gitlab) make paths relative to
   * it, as code scanning, workflow annotations and merge-request widgets expect. Default: `cwd`.
   */
  root?: string;
  /** Rule documentation for SARIF's rule table. Without it, the rule id stands in. */
  rules?: RuleLookup;
  /**
   * Absolute paths of the files each checked environment is composed from (manifest, base,
   * its overlay, packs). JUnit makes one testcase per file × environment. Default: every file.
   */
  envFiles?: Record<string, string[]>;
}

export type Formatter = (input: ReportInput) => string;

/** `file` relative to `cwd`, `/`-separated on every system (`.` for `cwd` itself). */
export function relativeFile(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel === '' ? '.' : rel.split('\\').join('/');
}
