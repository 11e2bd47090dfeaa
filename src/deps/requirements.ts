/** An environment's requirements: stated inline (`dependencies.requirements`) and from its lockfile. */
import { resolve } from 'node:path';
import { isPlainObject } from '../config/compose.js';
import { appendPath } from '../config/path.js';
import type { SourceRange } from '../diagnostics/finding.js';
import type { Ecosystem, EcosystemName, Specifier } from './ecosystems/index.js';
import { type DepsFileCache, isPackageLock } from './file-cache.js';
import { syntaxFinding } from './findings.js';
import type { LockedDependency } from './lockfile/types.js';
import type { DepRequirement, DepsContext, EnvDependencies } from './model.js';

/** Requirements stated inline; a bad name or specifier is a `deps/syntax` finding in `out`. */
export function inlineRequirements(
  ctx: DepsContext,
  deps: Record<string, unknown>,
  out: EnvDependencies,
): DepRequirement[] {
  const { eco, config } = ctx;
  const locate = (path: string) => config.provenance.locate(path);
  const requirements: DepRequirement[] = [];
  if (isPlainObject(deps.requirements)) {
    for (const [name, text] of Object.entries(deps.requirements)) {
      const path = appendPath('dependencies.requirements', name);
      if (typeof text !== 'string') continue; // schema
      if (!eco.isValidName(name)) {
        const key = config.provenance.locate(path, 'key');
        out.findings.push(syntaxFinding(ctx, path, `"${name}" is not a valid ${eco.name} package name`, key));
        continue;
      }
      const parsed = eco.parseSpecifier(text);
      if (!parsed.ok) {
        out.findings.push(syntaxFinding(ctx, path, `${name}: ${parsed.message}`));
        continue;
      }
      requirements.push(requirementOf(eco, name, path, parsed.spec, 'inline', locate(path)));
    }
  }
  return requirements;
}

/**
 * Requirements from the lockfile (appended to `requirements`) and what its locked packages
 * declare of each other. Its files and findings go to `out`.
 */
export function lockfileRequirements(
  ctx: DepsContext,
  deps: Record<string, unknown>,
  cache: DepsFileCache,
  requirements: DepRequirement[],
  out: EnvDependencies,
): LockedDependency[] {
  const { eco, config, root } = ctx;
  const locate = (path: string) => config.provenance.locate(path);
  let lockDeps: LockedDependency[] = [];
  if (typeof deps.lockfile === 'string' && deps.lockfile !== '') {
    const file = resolve(root, deps.lockfile);
    const statedAt = locate('dependencies.lockfile');
    const wanted: EcosystemName = isPackageLock(file) ? 'npm' : 'pypi';
    if (wanted !== eco.name) {
      out.findings.push(
        syntaxFinding(
          ctx,
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
  return lockDeps;
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
