/**
 * `drift.allow` entries of a manifest: parsed once, with where each is written, and the one
 * matcher that decides whether an entry covers a key in an environment (drift's comparison,
 * `check`'s drift stage and synth's `terraform/identical-environments` all ask it).
 */
import type { Project, ProjectManifest } from '../config/types.js';
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import type { DriftKey } from './keys.js';
import type { AllowRule } from './model.js';
import { PatternError, parsePattern, patternCovers } from './pattern.js';

export interface AllowEntry extends AllowRule {
  /** The entry's `path` in the manifest (or the entry itself). */
  location?: SourceRange;
}

export interface ParsedAllows {
  entries: AllowEntry[];
  /** Entries whose path cannot be parsed (`schema/invalid`, reported where written). */
  findings: Finding[];
}

type AllowList = NonNullable<ProjectManifest['drift']>['allow'];

/** The entries that parse (an entry that does not allows nothing), and the messages of those that do not. */
export function parseAllowRules(allow: AllowList): {
  rules: AllowRule[];
  problems: { index: number; message: string }[];
} {
  const rules: AllowRule[] = [];
  const problems: { index: number; message: string }[] = [];
  (allow ?? []).forEach((a, index) => {
    try {
      rules.push({ index, pattern: parsePattern(a.path), envs: a.envs, reason: a.reason });
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      problems.push({ index, message: err.message });
    }
  });
  return { rules, problems };
}

export function readAllows(project: Project): ParsedAllows {
  const prov = project.manifestDoc.provenance;
  const at = (index: number) => `drift.allow[${index}].path`;
  const { rules, problems } = parseAllowRules(project.manifest.drift?.allow);
  return {
    entries: rules.map((r) => ({ ...r, location: prov.locate(at(r.index)) })),
    findings: problems.map((p) => ({
      rule: 'schema/invalid',
      severity: 'error',
      message: p.message,
      path: at(p.index),
      location: prov.locate(at(p.index)),
    })),
  };
}

/** Whether an entry applies in `env`: its `envs`, where absent or an empty list means every environment. */
export function allowAppliesTo(rule: Pick<AllowRule, 'envs'>, env: string): boolean {
  return rule.envs === undefined || rule.envs.length === 0 || rule.envs.includes(env);
}

/** Whether an entry lets `key` differ in `env`. */
export function allowCovers(rule: Pick<AllowRule, 'envs' | 'pattern'>, env: string, key: DriftKey): boolean {
  return allowAppliesTo(rule, env) && patternCovers(rule.pattern, key);
}
