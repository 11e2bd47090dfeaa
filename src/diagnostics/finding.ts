/**
 * The one diagnostic type of exportctl. Every stage (load, compose, schema, policy,
 * drift, terraform, plan) produces Findings; one place (`locate.ts`) maps a config
 * path to file:line:col through provenance, and one place (`src/report/`) formats them.
 */
import type { FixEdit, FixSuggestion } from './fix.js';

export type Severity = 'error' | 'warning' | 'info';

/** A 1-based range in a source file. `file` is an absolute path. */
export interface SourceRange {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Finding {
  /** Stable rule id, e.g. `schema/invalid`, `server/port-range`. */
  rule: string;
  severity: Severity;
  /** Human message. Never contains a secret value. */
  message: string;
  /** Dotted config path (`database.pool.max_connections`, `monitoring.alerts[1].for`). */
  path?: string;
  /** Environment the finding concerns; absent for project-wide findings. */
  env?: string;
  /** Where in the sources. Filled by the producer or by `locateFindings`. */
  location?: SourceRange;
  /** `check --new-since` / `--baseline`: new, or present at the base (reported, does not fail). */
  baselineState?: 'new' | 'unchanged';
  /** A safe edit `check --fix` applies (the rule's meta says `fixable: 'safe'`). */
  fix?: FixEdit;
  /** Edits a human chooses between; shown, never applied. */
  suggestions?: FixSuggestion[];
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function compareFindings(a: Finding, b: Finding): number {
  const fa = a.location?.file ?? '';
  const fb = b.location?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location?.line ?? 0;
  const lb = b.location?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location?.column ?? 0;
  const cb = b.location?.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return (a.env ?? '').localeCompare(b.env ?? '');
}

/**
 * The identity of a finding within one run: the same rule, severity, source position, config
 * path and message, counted in the same environment, is the same problem. `acrossEnvs` leaves
 * the environment out: reports merge such findings into one item, and `checkProject` asks
 * whether the base alone already reported one. Used to deduplicate (`checkProject`, deps) and
 * to merge (`report/merge.ts`). Not the SARIF/GitLab fingerprint, which must survive edits to
 * the file and so leaves the line out (`report/fingerprint.ts`).
 */
export function findingKey(f: Finding, options: { acrossEnvs?: boolean } = {}): string {
  const l = f.location;
  const env = options.acrossEnvs ? '' : (f.env ?? '');
  return [
    f.rule,
    f.severity,
    l?.file ?? '',
    l?.line ?? '',
    l?.column ?? '',
    f.path ?? '',
    f.message,
    env,
  ].join('\u0000');
}
