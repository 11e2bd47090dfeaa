/** `check --new-since REF`, `--baseline FILE`, `--update-baseline`: which findings are new. */
import type { CheckOptions } from '../check/check-project.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { baselineEntries, readBaseline, writeBaseline } from './baseline-file.js';
import { markBaselineState } from '../report/baseline.js';
import { fingerprintsAt } from './baseline-state.js';
import { gitRoot } from '../config/confinement.js';

export interface BaselineFlags {
  newSince?: string;
  baseline?: string;
  updateBaseline?: boolean;
}

/** Validates the combination before any work is done. */
export function baselineOptions(flags: BaselineFlags): void {
  if (flags.newSince !== undefined && flags.baseline !== undefined) {
    throw new UsageError('--new-since and --baseline are alternatives: give one');
  }
  if (flags.updateBaseline && flags.baseline === undefined) {
    throw new UsageError('--update-baseline needs --baseline FILE (the file to write)');
  }
}

/** The findings, each marked new or unchanged when a base is given; unmarked otherwise. */
export function applyBaseline(
  findings: readonly Finding[],
  flags: BaselineFlags,
  options: CheckOptions & { cwd: string },
): Finding[] {
  const root = gitRoot(options.cwd) ?? options.cwd;
  if (flags.newSince !== undefined) {
    return markBaselineState(findings, root, fingerprintsAt(flags.newSince, options));
  }
  if (flags.baseline === undefined) return [...findings];
  if (flags.updateBaseline) {
    const entries = baselineEntries(findings, root);
    writeBaseline(flags.baseline, entries);
    process.stderr.write(
      `exportctl: wrote ${flags.baseline}: ${entries.length} finding${entries.length === 1 ? '' : 's'}\n`,
    );
    return markBaselineState(
      findings,
      root,
      entries.map((e) => e.fingerprint),
    );
  }
  return markBaselineState(findings, root, readBaseline(flags.baseline));
}
