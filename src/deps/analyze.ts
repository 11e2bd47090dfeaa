/**
 * One environment's dependencies: gather the requirements (inline and from the lockfile),
 * apply every compatibility-matrix entry that covers the versions allowed, and decide the
 * `deps/*` rules. The result feeds both the check stage (its findings) and `exportctl deps`
 * (constraints, conflicts and the requirement graph).
 *
 * Which rule says what:
 * - `deps/incompatible`: a requirement of Q admits a version that an applicable matrix entry
 *   of P (or a locked package's declared range) excludes — Q is pinned outside that range, or
 *   Q's range reaches beyond it while still overlapping it.
 * - `deps/unsatisfiable`: what remains of Q's constraints has no common version (a range that
 *   misses the matrix entirely, two requirements that contradict, two packages' needs that
 *   contradict). The smallest colliding set is named, down to the clauses.
 * - `deps/denied`: Q's requirements admit a version the deny list names.
 * - `deps/unpinned`: a requirement of a protected environment is not an exact pin.
 *
 * A matrix entry of P applies when every version P's constraints admit lies in its
 * `versions` (for a pin: the pin does); applying it can constrain further packages, so
 * entries are applied until nothing changes. Requirements under PEP 508 markers are
 * alternatives: each marker is analysed with the unconditional requirements.
 */
import { basename, resolve } from 'node:path';
import { relativeFile } from '../report/report.js';
import { isPlainObject } from '../config/compose.js';
import type { PathConfinement } from '../config/confinement.js';
import { appendPath } from '../config/path.js';
import { isFileRefusal } from '../config/read-file.js';
import type { EffectiveConfig } from '../config/types.js';
import { type Finding, findingKey, type SourceRange } from '../diagnostics/finding.js';
import { type Ecosystem, type EcosystemName, ecosystem, type Specifier } from './ecosystems/index.js';
import { parsePackageLock } from './lockfile/package-lock.js';
import { parseRequirementsTxt } from './lockfile/requirements-txt.js';
import type { LockedDependency, LockfileParse } from './lockfile/types.js';
import type { CompatibilityMatrix, MatrixEntry, MatrixLoad } from './matrix.js';
import { collidingClauses, findVersion, isSubset, minimalConflict, satisfiable } from './solve.js';

export type DepsRuleId = 'deps/unpinned' | 'deps/unsatisfiable' | 'deps/incompatible' | 'deps/denied';

export interface DepRequirement {
  name: string;
  key: string;
  /** As written: a specifier, a URL, an editable target, an npm tag. */
  text: string;
  /** A version range; absent for URLs, editables and npm tags. */
  spec?: Specifier;
  kind: 'specifier' | 'url' | 'editable' | 'reference';
  pinned: boolean;
  marker?: string;
  constraintOnly?: boolean;
  source: 'inline' | 'lockfile';
  /** `dependencies.requirements.<name>`: inline requirements are located through it; lockfile ones carry it for waivers. */
  path: string;
  location?: SourceRange;
}

export type ConstraintOrigin =
  | { kind: 'requirement'; requirement: DepRequirement }
  | { kind: 'matrix'; from: string; fromKey: string; entry: MatrixEntry; location: SourceRange }
  | { kind: 'lockfile'; from: string; fromKey: string; location: SourceRange };

export interface DepConstraint {
  key: string;
  spec: Specifier;
  origin: ConstraintOrigin;
}

export interface DepPackage {
  name: string;
  key: string;
  requirements: DepRequirement[];
  constraints: DepConstraint[];
  /** The exact version the requirements pin, if they do. */
  pin?: string;
  /** Whether some version satisfies every constraint; `example` is one. */
  satisfiable: boolean;
  example?: string;
  /** Rules that fired on this package. */
  conflicts: DepsRuleId[];
}

/** An edge of the requirement graph: `from` (null: the environment itself) requires `to` in `range`. */
export interface DepEdge {
  from: string | null;
  to: string;
  range: string;
  via: 'requirement' | 'matrix' | 'lockfile';
  location?: SourceRange;
  conflict?: DepsRuleId;
}

export interface EnvDependencies {
  env: string;
  protected: boolean;
  ecosystem: EcosystemName;
  /** Files read for this environment (lockfile and includes, matrix), absolute. */
  files: string[];
  packages: DepPackage[];
  edges: DepEdge[];
  findings: Finding[];
  /** The matrix could not be used: the check must stop (exit 2). */
  fatal: boolean;
}

/** Loads files once per run: several environments usually share the lockfile and the matrix. */
export class DepsFileCache {
  readonly #matrices = new Map<string, MatrixLoad>();
  readonly #lockfiles = new Map<string, LockfileParse>();
  /** `confine`: where the project's files may come from (every read goes through it). */
  constructor(
    private readonly loadMatrixFile: (file: string, confine?: PathConfinement) => MatrixLoad,
    private readonly confine?: PathConfinement,
  ) {}

  matrix(file: string): MatrixLoad {
    let m = this.#matrices.get(file);
    if (!m) {
      m = this.loadMatrixFile(file, this.confine);
      this.#matrices.set(file, m);
    }
    return m;
  }

  lockfile(file: string, statedAt: SourceRange | undefined): LockfileParse {
    let l = this.#lockfiles.get(file);
    if (!l) {
      l = isPackageLock(file)
        ? parsePackageLock(file, statedAt, this.confine)
        : parseRequirementsTxt(file, statedAt, this.confine);
      this.#lockfiles.set(file, l);
    }
    return l;
  }
}

export function isPackageLock(file: string): boolean {
  return basename(file).toLowerCase().endsWith('.json');
}

interface DenyEntry {
  key: string;
  package: string;
  spec: Specifier;
  reason?: string;
  path: string;
  location?: SourceRange;
}

interface Context {
  eco: Ecosystem;
  env: string;
  protected: boolean;
  root: string;
  config: EffectiveConfig;
}

export function analyzeEnvironment(
  root: string,
  config: EffectiveConfig,
  cache: DepsFileCache,
): EnvDependencies | undefined {
  const deps = config.values.dependencies;
  if (!isPlainObject(deps)) return undefined;
  const eco = ecosystem(String(deps.ecosystem));
  if (!eco) return undefined; // the schema reports it
  const ctx: Context = { eco, env: config.env, protected: config.protected, root, config };
  const out: EnvDependencies = {
    env: config.env,
    protected: config.protected,
    ecosystem: eco.name,
    files: [],
    packages: [],
    edges: [],
    findings: [],
    fatal: false,
  };
  const locate = (path: string) => config.provenance.locate(path);
  const syntax = (path: string, message: string, location = locate(path)): Finding => ({
    rule: 'deps/syntax',
    severity: 'error',
    message,
    path,
    env: config.env,
    location,
  });

  // 1. Requirements stated inline.
  const requirements: DepRequirement[] = [];
  if (isPlainObject(deps.requirements)) {
    for (const [name, text] of Object.entries(deps.requirements)) {
      const path = appendPath('dependencies.requirements', name);
      if (typeof text !== 'string') continue; // schema
      if (!eco.isValidName(name)) {
        const key = config.provenance.locate(path, 'key');
        out.findings.push(syntax(path, `"${name}" is not a valid ${eco.name} package name`, key));
        continue;
      }
      const parsed = eco.parseSpecifier(text);
      if (!parsed.ok) {
        out.findings.push(syntax(path, `${name}: ${parsed.message}`));
        continue;
      }
      requirements.push(requirementOf(eco, name, path, parsed.spec, 'inline', locate(path)));
    }
  }

  // 2. Requirements from the lockfile.
  let lockDeps: LockedDependency[] = [];
  if (typeof deps.lockfile === 'string' && deps.lockfile !== '') {
    const file = resolve(root, deps.lockfile);
    const statedAt = locate('dependencies.lockfile');
    const wanted: EcosystemName = isPackageLock(file) ? 'npm' : 'pypi';
    if (wanted !== eco.name) {
      out.findings.push(
        syntax(
          'dependencies.lockfile',
          `${deps.lockfile} is ${wanted === 'npm' ? 'an npm package lock' : 'a pip requirements file'}, but dependencies.ecosystem is ${eco.name}`,
        ),
      );
    } else {
      const lock = cache.lockfile(file, statedAt);
      out.files.push(...lock.files);
      out.findings.push(
        ...lock.findings.map((f) =>
          f.location === statedAt
            ? { ...f, env: config.env, path: 'dependencies.lockfile' }
            : { ...f, env: config.env },
        ),
      );
      for (const r of lock.requirements) {
        if (r.name === '') continue; // a bare URL or path names no package
        const path = appendPath('dependencies.requirements', r.name);
        if (r.kind === 'specifier') {
          const parsed = eco.parseSpecifier(r.specifier);
          if (!parsed.ok) continue; // the lockfile parser reported it
          requirements.push({
            ...requirementOf(eco, r.name, path, parsed.spec, 'lockfile', r.location),
            ...(r.marker !== undefined ? { marker: r.marker } : {}),
            ...(r.constraintOnly ? { constraintOnly: true } : {}),
          });
        } else {
          requirements.push({
            name: r.name,
            key: eco.normalizeName(r.name),
            text: r.kind === 'editable' ? `-e ${r.specifier}` : `@ ${r.specifier}`,
            kind: r.kind,
            pinned: r.kind === 'url',
            source: 'lockfile',
            path,
            location: r.location,
            ...(r.marker !== undefined ? { marker: r.marker } : {}),
            ...(r.constraintOnly ? { constraintOnly: true } : {}),
          });
        }
      }
      lockDeps = lock.dependencies;
    }
  }

  // 3. The compatibility matrix.
  let matrix: CompatibilityMatrix | undefined;
  if (typeof deps.compatibility === 'string' && deps.compatibility !== '') {
    const file = resolve(root, deps.compatibility);
    const load = cache.matrix(file);
    const unreadable = load.findings.find((f) => isFileRefusal(f.rule));
    if (!unreadable) out.files.push(file);
    // A file that cannot be read is reported where the config names it.
    out.findings.push(...load.findings.filter((f) => f !== unreadable));
    if (!load.matrix) {
      out.fatal = true;
      if (unreadable) {
        out.findings.push({
          rule: unreadable.rule,
          severity: 'error',
          message: `compatibility matrix "${deps.compatibility}": ${unreadable.message}`,
          path: 'dependencies.compatibility',
          env: config.env,
          location: locate('dependencies.compatibility'),
        });
      }
    } else if (load.matrix.ecosystem !== eco.name) {
      out.fatal = true;
      out.findings.push({
        rule: 'schema/invalid',
        severity: 'error',
        message: `${relativeFile(root, file)} is a ${load.matrix.ecosystem} matrix, but dependencies.ecosystem is ${eco.name}`,
        path: 'dependencies.compatibility',
        env: config.env,
        location: locate('dependencies.compatibility'),
      });
    } else matrix = load.matrix;
  }

  // 4. The deny list.
  const denies: DenyEntry[] = [];
  if (Array.isArray(deps.deny)) {
    deps.deny.forEach((d, i) => {
      if (!isPlainObject(d) || typeof d.package !== 'string' || typeof d.versions !== 'string') return;
      const path = `dependencies.deny[${i}].versions`;
      const parsed = eco.parseSpecifier(d.versions);
      if (!parsed.ok || parsed.spec.kind !== 'range') {
        out.findings.push(
          syntax(
            path,
            `deny ${d.package}: ${parsed.ok ? `"${d.versions}" names no versions` : parsed.message}`,
          ),
        );
        return;
      }
      denies.push({
        key: eco.normalizeName(d.package),
        package: d.package,
        spec: parsed.spec,
        reason: typeof d.reason === 'string' ? d.reason : undefined,
        path,
        location: locate(`dependencies.deny[${i}]`),
      });
    });
  }

  // 5. Decide, once per marker scenario.
  for (const r of requirements) {
    if (ctx.protected && !r.pinned && !r.constraintOnly) out.findings.push(unpinned(ctx, r));
  }
  const markers = [...new Set(requirements.map((r) => r.marker).filter((m): m is string => m !== undefined))];
  const scenarios =
    markers.length === 0
      ? [requirements]
      : markers.map((m) => requirements.filter((r) => r.marker === undefined || r.marker === m));
  for (const reqs of scenarios) {
    const s = analyzeScenario(ctx, reqs, lockDeps, matrix, denies);
    mergeScenario(out, s);
  }
  out.findings = dedupe(out.findings);
  out.files = [...new Set(out.files)];
  out.packages.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

function requirementOf(
  eco: Ecosystem,
  name: string,
  path: string,
  spec: Specifier,
  source: 'inline' | 'lockfile',
  location: SourceRange | undefined,
): DepRequirement {
  return {
    name,
    key: eco.normalizeName(name),
    text: spec.text,
    ...(spec.kind === 'range' ? { spec } : {}),
    kind: spec.kind === 'range' ? 'specifier' : 'reference',
    pinned: spec.pin !== undefined,
    source,
    path,
    location,
  };
}

function where(ctx: Context, location: SourceRange | undefined): string {
  return location ? `${relativeFile(ctx.root, location.file)}:${location.line}` : 'unknown location';
}

function quote(s: string): string {
  return s === '' ? 'any version' : `"${s}"`;
}

function unpinned(ctx: Context, r: DepRequirement): Finding {
  const what =
    r.kind === 'editable'
      ? `${r.name} ${r.text} is a checkout that moves, not a pinned version`
      : r.kind === 'reference'
        ? `${r.name} "${r.text}" is a tag or reference, not a version`
        : `${r.name} ${quote(r.text)} is not an exact pin`;
  return finding(
    ctx,
    'deps/unpinned',
    `${what}; protected environment ${ctx.env} needs exact pins (${ctx.eco.pinExample})`,
    r,
  );
}

function finding(
  ctx: Context,
  rule: DepsRuleId,
  message: string,
  at: DepRequirement | SourceRange,
  path?: string,
): Finding {
  if ('key' in at) {
    return { rule, severity: 'error', message, path: at.path, env: ctx.env, location: at.location };
  }
  return { rule, severity: 'error', message, ...(path ? { path } : {}), env: ctx.env, location: at };
}

interface Scenario {
  packages: Map<string, DepPackage>;
  edges: DepEdge[];
  findings: Finding[];
}

function describePackage(ctx: Context, pkg: DepPackage | undefined, fallback: string): string {
  if (!pkg) return fallback;
  if (pkg.pin !== undefined)
    return ctx.eco.name === 'pypi' ? `${pkg.name} ==${pkg.pin}` : `${pkg.name} ${pkg.pin}`;
  const specs = [...new Set(pkg.constraints.map((c) => c.spec.text).filter((t) => t !== ''))];
  return specs.length > 0 ? `${pkg.name} ${specs.join(' ')}` : pkg.name;
}

function describeOrigin(ctx: Context, c: DepConstraint, packages: Map<string, DepPackage>): string {
  const o = c.origin;
  if (o.kind === 'requirement') return `requirement in ${where(ctx, o.requirement.location)}`;
  return `required by ${describePackage(ctx, packages.get(o.fromKey), o.from)} per ${where(ctx, o.location)}`;
}

function listAnd(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function analyzeScenario(
  ctx: Context,
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

function mergeScenario(out: EnvDependencies, s: Scenario): void {
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

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = findingKey(f);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
