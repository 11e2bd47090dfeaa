/**
 * One marker scenario of an environment: its requirements become packages with constraints
 * (from the requirements, the lockfile's declared ranges and every matrix entry that
 * applies), and the `deps/incompatible`, `deps/unsatisfiable` and `deps/denied` rules decide.
 */
import type { Finding } from '../diagnostics/finding.js';
import type { DenyEntry } from './deny-list.js';
import { describeOrigin, describePackage, finding, listAnd, quote, where } from './findings.js';
import type { LockedDependency } from './lockfile/types.js';
import type { CompatibilityMatrix, MatrixEntry } from './matrix.js';
import type {
  ConstraintOrigin,
  DepConstraint,
  DepEdge,
  DepPackage,
  DepRequirement,
  DepsContext,
  DepsRuleId,
} from './model.js';
import { collidingClauses, findVersion, isSubset, minimalConflict, satisfiable } from './solve.js';

export interface Scenario {
  packages: Map<string, DepPackage>;
  edges: DepEdge[];
  findings: Finding[];
}

export function analyzeScenario(
  ctx: DepsContext,
  requirements: DepRequirement[],
  lockDeps: LockedDependency[],
  matrix: CompatibilityMatrix | undefined,
  denies: DenyEntry[],
): Scenario {
  const { eco } = ctx;
  const packages = new Map<string, DepPackage>();
  const edges: DepEdge[] = [];
  const addRequirement = (p: DepPackage, r: DepRequirement) => {
    p.requirements.push(r);
    if (r.spec)
      p.constraints.push({ key: p.key, spec: r.spec, origin: { kind: 'requirement', requirement: r } });
    edges.push({ from: null, to: p.key, range: r.text, via: 'requirement', location: r.location });
  };
  // Constraints files (`-c`) constrain only what something else requires, directly or
  // through the matrix: their lines join a package when it first appears.
  const constraintOnly = new Map<string, DepRequirement[]>();
  for (const r of requirements) {
    if (r.constraintOnly) constraintOnly.set(r.key, [...(constraintOnly.get(r.key) ?? []), r]);
  }
  const pkgFor = (key: string, name: string): DepPackage => {
    let p = packages.get(key);
    if (!p) {
      p = { name, key, requirements: [], constraints: [], satisfiable: true, conflicts: [] };
      packages.set(key, p);
      for (const r of constraintOnly.get(key) ?? []) addRequirement(p, r);
    }
    return p;
  };
  for (const r of requirements) {
    if (!r.constraintOnly) addRequirement(pkgFor(r.key, r.name), r);
  }

  // What locked packages declare of each other.
  for (const d of lockDeps) {
    const fromKey = eco.normalizeName(d.from);
    const toKey = eco.normalizeName(d.to);
    if (!packages.has(fromKey) || !packages.has(toKey)) continue;
    const parsed = eco.parseSpecifier(d.range);
    if (!parsed.ok || parsed.spec.kind !== 'range') continue; // npm: aliases, git and file deps
    packages.get(toKey)!.constraints.push({
      key: toKey,
      spec: parsed.spec,
      origin: { kind: 'lockfile', from: d.from, fromKey, location: d.location },
    });
    edges.push({ from: fromKey, to: toKey, range: parsed.spec.text, via: 'lockfile', location: d.location });
  }

  // Apply matrix entries until none more applies.
  if (matrix) {
    const active = new Set<MatrixEntry>();
    for (let changed = true; changed; ) {
      changed = false;
      for (const [key, entries] of matrix.byPackage) {
        const p = packages.get(key);
        if (!p || p.constraints.length === 0) continue;
        const specs = p.constraints.map((c) => c.spec);
        if (!satisfiable(eco, specs)) continue;
        for (const e of entries) {
          if (active.has(e) || !isSubset(eco, specs, e.versions)) continue;
          active.add(e);
          changed = true;
          for (const req of e.requires) {
            pkgFor(req.key, req.package).constraints.push({
              key: req.key,
              spec: req.spec,
              origin: { kind: 'matrix', from: p.name, fromKey: p.key, entry: e, location: req.location },
            });
            edges.push({
              from: p.key,
              to: req.key,
              range: req.spec.text,
              via: 'matrix',
              location: req.location,
            });
          }
        }
      }
    }
  }

  for (const p of packages.values()) p.pin = p.requirements.find((r) => r.spec?.pin !== undefined)?.spec?.pin;

  const findings: Finding[] = [];
  const markEdge = (c: DepConstraint, rule: DepsRuleId) => {
    for (const e of edges) {
      const sameOrigin =
        c.origin.kind === 'requirement'
          ? e.via === 'requirement' && e.location === c.origin.requirement.location && e.to === c.key
          : e.via === c.origin.kind && e.location === c.origin.location;
      if (sameOrigin && !e.conflict) e.conflict = rule;
    }
  };
  const flag = (p: DepPackage, rule: DepsRuleId) => {
    if (!p.conflicts.includes(rule)) p.conflicts.push(rule);
  };

  for (const p of packages.values()) {
    const own = p.constraints.filter((c) => c.origin.kind === 'requirement');
    const others = p.constraints.filter((c) => c.origin.kind !== 'requirement');
    const ownSpecs = own.map((c) => c.spec);
    const reported = new Set<DepConstraint>();
    const stated = p.requirements.filter((r) => !r.constraintOnly);
    const first = stated.find((r) => r.pinned) ?? stated[0] ?? p.requirements[0];
    if (own.length > 0 && satisfiable(eco, ownSpecs) && first) {
      for (const m of others) {
        const outside = findVersion(eco, ownSpecs, [m.spec]);
        if (outside === undefined) continue;
        const inside = satisfiable(eco, [...ownSpecs, m.spec]);
        if (p.pin === undefined && !inside) continue; // no overlap at all: unsatisfiable below
        reported.add(m);
        markEdge(m, 'deps/incompatible');
        for (const c of own) markEdge(c, 'deps/incompatible');
        flag(p, 'deps/incompatible');
        const o = m.origin as Exclude<ConstraintOrigin, { kind: 'requirement' }>;
        const by = describePackage(ctx, packages.get(o.fromKey), o.from);
        const what = o.kind === 'matrix' ? 'the compatibility matrix' : 'the lockfile';
        const head =
          p.pin !== undefined
            ? `${p.name} ${p.pin} breaks ${what}`
            : `${p.name} ${ownSpecs.map((s) => quote(s.text)).join(' ')} allows ${outside}, which breaks ${what}`;
        findings.push(
          finding(
            ctx,
            'deps/incompatible',
            `${head}: ${by} requires ${p.name} ${quote(m.spec.text)} (${where(ctx, o.location)})`,
            first,
          ),
        );
      }
    }
    const rest = p.constraints.filter((c) => !reported.has(c));
    if (
      rest.length > 0 &&
      !satisfiable(
        eco,
        rest.map((c) => c.spec),
      )
    ) {
      const core = minimalConflict(eco, rest, (c) => c.spec);
      const clauses = collidingClauses(eco, core, (c) => c.spec);
      for (const c of core) markEdge(c, 'deps/unsatisfiable');
      flag(p, 'deps/unsatisfiable');
      const parts = clauses.map((cl) => {
        const of = cl.clause !== cl.owner.spec.text ? ` of ${quote(cl.owner.spec.text)}` : '';
        return `${quote(cl.clause)}${of} (${describeOrigin(ctx, cl.owner, packages)})`;
      });
      const verb = parts.length === 2 ? 'cannot both hold' : 'cannot all hold';
      const message = `no version of ${p.name} satisfies all its constraints: ${listAnd(parts)} ${verb}`;
      const anchor = core.find((c) => c.origin.kind === 'requirement');
      if (anchor && anchor.origin.kind === 'requirement') {
        findings.push(finding(ctx, 'deps/unsatisfiable', message, anchor.origin.requirement));
      } else {
        const o = core[0].origin as Exclude<ConstraintOrigin, { kind: 'requirement' }>;
        findings.push(finding(ctx, 'deps/unsatisfiable', message, o.location, 'dependencies.compatibility'));
      }
    }
    const all = p.constraints.map((c) => c.spec);
    p.example = all.length > 0 ? findVersion(eco, all) : undefined;
    p.satisfiable = all.length === 0 || p.example !== undefined;
  }

  for (const d of denies) {
    const p = packages.get(d.key);
    if (!p) continue;
    const own = p.constraints.filter((c) => c.origin.kind === 'requirement');
    if (own.length === 0) continue;
    const witness = findVersion(eco, [...own.map((c) => c.spec), d.spec]);
    if (witness === undefined) continue;
    flag(p, 'deps/denied');
    for (const c of own) markEdge(c, 'deps/denied');
    const reqs = own.map((c) => (c.origin as { requirement: DepRequirement }).requirement);
    const first = reqs.find((r) => !r.constraintOnly) ?? reqs[0];
    const reason = d.reason ? `: ${d.reason}` : '';
    findings.push(
      finding(
        ctx,
        'deps/denied',
        `${p.name} ${own.map((c) => quote(c.spec.text)).join(' ')} allows ${witness}, which the deny list forbids (${quote(d.spec.text)}${reason}, ${where(ctx, d.location)})`,
        first,
      ),
    );
  }
  return { packages, edges, findings };
}
