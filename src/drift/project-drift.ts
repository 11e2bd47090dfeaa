/**
 * Drift of a project across its environments: every environment's effective config compared
 * with the reference's, `drift.allow` applied, redundant overrides and unused allowances
 * found, and the findings `check` and `exportctl drift` report.
 */
import { relativeFile } from '../report/report.js';
import { redactSecrets } from '../config/secrets.js';
import type { EffectiveConfig, Project } from '../config/types.js';
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import { suggest } from '../diagnostics/suggest.js';
import { type AllowEntry, readAllows } from './allows.js';
import { compareSides } from './compare.js';
import { formatDriftKey, lastMapKey } from './keys.js';
import type { DriftComparison, DriftDifference, DriftRow } from './model.js';
import { patternCovers } from './pattern.js';
import { findRedundantOverrides, type RedundantOverride } from './redundant.js';
import {
  DRIFT_MISSING,
  DRIFT_REDUNDANT_OVERRIDE,
  DRIFT_UNEXPECTED,
  DRIFT_UNUSED_ALLOW,
  driftRule,
} from './rules.js';
import { declaredSides } from './sides.js';
import { displayValue } from './values.js';

export interface ProjectDrift {
  project: string;
  /** The reference environment. */
  reference: string;
  comparison: DriftComparison;
  /** The parsed `drift.allow` entries (those whose path parses), by manifest position. */
  allows: AllowEntry[];
  redundant: RedundantOverride[];
  /** Every drift finding of every environment, located (filter by env to report a subset). */
  findings: Finding[];
}

const MAX_SHOWN = 60;

export interface DriftOptions {
  /** Build the rows of the side-by-side report (default true); `check` needs only findings. */
  rows?: boolean;
}

export function driftProject(
  project: Project,
  configs: readonly EffectiveConfig[],
  options: DriftOptions = {},
): ProjectDrift {
  const { entries: allows, findings: allowProblems } = readAllows(project);
  const sides = declaredSides(configs);
  const comparison = compareSides(sides, { reference: project.reference, allows, rows: options.rows });
  const where = (r: SourceRange | undefined) =>
    r ? `${relativeFile(project.root, r.file)}:${r.line}` : undefined;
  const findings: Finding[] = [...allowProblems];

  for (const d of comparison.differences) {
    if (d.allow !== undefined) continue;
    findings.push(differenceFinding(d, project.reference, where));
  }

  const redundant = configs.flatMap(findRedundantOverrides);
  const rowByKey = new Map(comparison.rows.map((r) => [r.key, r]));
  const sideIndex = new Map(comparison.sides.map((s, i) => [s.id, i]));
  for (const o of redundant) {
    const cell = rowByKey.get(o.key)?.cells[sideIndex.get(o.env) ?? -1];
    if (cell) cell.redundant = true;
    const shown = displayValue(redactSecrets(o.value, lastMapKey(o.segments)), MAX_SHOWN);
    const base = where(o.baseOrigin);
    const message =
      o.kind === 'deletes-nothing'
        ? `${o.key}: the overlay deletes a key the base does not set; remove the null`
        : o.kind === 'empty-item'
          ? `${o.key}: the overlay names an item of the base and changes nothing in it; remove it`
          : `${o.key}: the overlay sets ${shown}, the same as the base${base ? ` (${base})` : ''}; remove it so ${o.env} follows the base`;
    findings.push({
      rule: DRIFT_REDUNDANT_OVERRIDE,
      severity: driftRule(DRIFT_REDUNDANT_OVERRIDE).severity,
      message,
      path: o.path,
      env: o.env,
      location: o.location,
      fix: { file: o.overlayFile, target: { path: o.overlayPath }, op: 'remove' },
    });
  }

  const envNames = configs.map((c) => c.env);
  let rows = comparison.rows;
  allows.forEach((a, i) => {
    if (comparison.allowUsed[i]) return;
    // Explaining an unused entry needs every key (rare: only then are rows built for `check`).
    if (options.rows === false && rows.length === 0) {
      rows = compareSides(sides, { reference: project.reference, allows }).rows;
    }
    findings.push({
      rule: DRIFT_UNUSED_ALLOW,
      severity: driftRule(DRIFT_UNUSED_ALLOW).severity,
      message: unusedAllowMessage(a, project.reference, envNames, rows),
      path: `drift.allow[${a.index}].path`,
      location: a.location,
      fix: { file: project.manifestFile, target: { path: ['drift', 'allow', a.index] }, op: 'remove' },
    });
  });

  return {
    project: project.manifest.name,
    reference: project.reference,
    comparison,
    allows,
    redundant,
    findings,
  };
}

function differenceFinding(
  d: DriftDifference,
  reference: string,
  where: (r: SourceRange | undefined) => string | undefined,
): Finding {
  const refAt = where(d.referenceOrigin);
  const refNote = `${reference} (the reference${refAt ? `, ${refAt}` : ''})`;
  const finding = (rule: string, message: string): Finding => ({
    rule,
    severity: driftRule(rule).severity,
    message,
    path: d.path,
    env: d.env,
    location: d.location,
  });
  if (d.kind === 'value') {
    const mine = displayValue(d.value, MAX_SHOWN);
    const theirs = displayValue(d.referenceValue, MAX_SHOWN);
    return finding(
      DRIFT_UNEXPECTED,
      d.secretDiffers
        ? `${d.key} differs between ${d.env} and ${refNote} (a secret: values not shown) and no drift.allow entry covers it`
        : `${d.key} is ${mine} in ${d.env} but ${theirs} in ${refNote}, and no drift.allow entry covers it`,
    );
  }
  return finding(
    DRIFT_MISSING,
    d.kind === 'missing'
      ? `${d.key} is set in ${refNote} but not in ${d.env}`
      : `${d.key} is set in ${d.env} but not in ${refNote}`,
  );
}

function unusedAllowMessage(
  a: AllowEntry,
  reference: string,
  envNames: string[],
  rows: readonly DriftRow[],
): string {
  const head = `drift.allow entry "${a.pattern.source}" covers no difference`;
  const unknown = (a.envs ?? []).filter((e) => !envNames.includes(e));
  if (unknown.length > 0) {
    const hint = suggest(unknown[0], envNames);
    return `${head}: unknown environment "${unknown[0]}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  }
  if (a.envs && a.envs.length > 0 && a.envs.every((e) => e === reference)) {
    return `${head}: ${reference} is the reference; list the environments that differ from it`;
  }
  const matched = rows.filter((r) => patternCovers(a.pattern, r.segments));
  if (matched.length === 0) {
    const hint = a.pattern.literal ? suggest(a.pattern.source, candidateKeys(rows)) : undefined;
    return `${head}: no environment has ${a.pattern.literal ? 'this key' : 'a key it matches'}${hint ? ` (did you mean "${hint}"?)` : ''}`;
  }
  const envs = (a.envs ?? []).filter((e) => e !== reference);
  const scope =
    envs.length === 0
      ? 'every environment agrees'
      : `${envs.join(', ')} ${envs.length === 1 ? 'agrees' : 'agree'}`;
  return `${head}: ${scope} with ${reference} there; remove the entry or fix its path`;
}

/** Every row key and each of its ancestors (an entry may name a whole section). */
function candidateKeys(rows: readonly DriftRow[]): string[] {
  const out = new Set<string>();
  for (const r of rows) {
    out.add(r.key);
    for (let n = r.segments.length - 1; n > 0; n--) {
      const k = formatDriftKey(r.segments.slice(0, n));
      if (out.has(k)) break;
      out.add(k);
    }
  }
  return [...out];
}
