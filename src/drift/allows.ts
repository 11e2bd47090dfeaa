/** `drift.allow` entries of a manifest, parsed, with where each is written. */
import type { Project } from '../config/types.js';
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import type { AllowRule } from './model.js';
import { PatternError, parsePattern } from './pattern.js';

export interface AllowEntry extends AllowRule {
  /** The entry's `path` in the manifest (or the entry itself). */
  location?: SourceRange;
}

export interface ParsedAllows {
  entries: AllowEntry[];
  /** Entries whose path cannot be parsed (`schema/invalid`, reported where written). */
  findings: Finding[];
}

export function readAllows(project: Project): ParsedAllows {
  const entries: AllowEntry[] = [];
  const findings: Finding[] = [];
  const prov = project.manifestDoc.provenance;
  (project.manifest.drift?.allow ?? []).forEach((a, index) => {
    const at = `drift.allow[${index}].path`;
    const location = prov.locate(at);
    try {
      entries.push({ index, pattern: parsePattern(a.path), envs: a.envs, reason: a.reason, location });
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      findings.push({ rule: 'schema/invalid', severity: 'error', message: err.message, path: at, location });
    }
  });
  return { entries, findings };
}
