/** Folding the scenarios of an environment into one result, each finding once. */
import { type Finding, type SourceRange, findingKey } from '../diagnostics/finding.js';
import type { DepConstraint, EnvDependencies } from './model.js';
import type { Scenario } from './scenario.js';

export function mergeScenario(out: EnvDependencies, s: Scenario): void {
  out.findings.push(...s.findings);
  for (const p of s.packages.values()) {
    const existing = out.packages.find((q) => q.key === p.key);
    if (!existing) {
      out.packages.push(p);
      continue;
    }
    for (const r of p.requirements) if (!existing.requirements.includes(r)) existing.requirements.push(r);
    for (const c of p.constraints) {
      const same = existing.constraints.some(
        (d) => d.spec.text === c.spec.text && originLocation(d) === originLocation(c),
      );
      if (!same) existing.constraints.push(c);
    }
    for (const rule of p.conflicts) if (!existing.conflicts.includes(rule)) existing.conflicts.push(rule);
    existing.satisfiable &&= p.satisfiable;
    if (!existing.satisfiable) existing.example = undefined;
  }
  for (const e of s.edges) {
    const same = out.edges.find(
      (f) => f.from === e.from && f.to === e.to && f.range === e.range && f.location === e.location,
    );
    if (!same) out.edges.push(e);
    else same.conflict ??= e.conflict;
  }
}

function originLocation(c: DepConstraint): SourceRange | undefined {
  return c.origin.kind === 'requirement' ? c.origin.requirement.location : c.origin.location;
}

export function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = findingKey(f);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
