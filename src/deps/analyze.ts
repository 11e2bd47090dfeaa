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
 *
 * The steps live in their own modules: `requirements` (inline and lockfile), `env-matrix`,
 * `deny-list`, `scenario` (the rules, per marker scenario), `merge`; the result's shape is
 * `model`, the wording of findings `findings`.
 */
import { isPlainObject } from '../config/compose.js';
import type { EffectiveConfig } from '../config/types.js';
import { denyList } from './deny-list.js';
import { ecosystem } from './ecosystems/index.js';
import { environmentMatrix } from './env-matrix.js';
import type { DepsFileCache } from './file-cache.js';
import { unpinned } from './findings.js';
import { dedupe, mergeScenario } from './merge.js';
import type { DepsContext, EnvDependencies } from './model.js';
import { inlineRequirements, lockfileRequirements } from './requirements.js';
import { analyzeScenario } from './scenario.js';

export function analyzeEnvironment(
  root: string,
  config: EffectiveConfig,
  cache: DepsFileCache,
): EnvDependencies | undefined {
  const deps = config.values.dependencies;
  if (!isPlainObject(deps)) return undefined;
  const eco = ecosystem(String(deps.ecosystem));
  if (!eco) return undefined; // the schema reports it
  const ctx: DepsContext = { eco, env: config.env, protected: config.protected, root, config };
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

  // 1. Requirements stated inline; 2. requirements from the lockfile.
  const requirements = inlineRequirements(ctx, deps, out);
  const lockDeps = lockfileRequirements(ctx, deps, cache, requirements, out);
  // 3. The compatibility matrix.
  const matrix = environmentMatrix(ctx, deps, cache, out);
  // 4. The deny list.
  const denies = denyList(ctx, deps, out);

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
