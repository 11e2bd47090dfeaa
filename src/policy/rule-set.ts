/**
 * The rules of one project: the built-in packs (unless `policies.builtin: false`) and the
 * local packs of `policies.paths`. Local packs are compiled once per process per file
 * version (path, size, mtime), so checking many projects or re-checking is cheap.
 */
import { statSync } from 'node:fs';
import type { PathConfinement } from '../config/confinement.js';
import type { LoadedDocument, Project } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import { builtinRules } from './builtin.js';
import { NATIVE_RULES } from './native/index.js';
import { discoverPackFiles, type PackScope } from './pack/discover.js';
import { compilePolicyPack, loadPolicyPack, type PackLoad } from './pack/load-pack.js';
import type { RuleRegistry } from '../rules/registry.js';
import type { Rule } from './rule-evaluation.js';

export interface ProjectRules {
  /** Every rule known to this project (built-in metadata included even when builtin is off). */
  registry: RuleRegistry;
  /** The rules that run on this project's environments. */
  active: Rule[];
  /** Local pack files read (the built-in packs are part of exportctl, not of the project). */
  localFiles: string[];
  /** Problems of the packs. Non-empty means the check cannot be trusted (exit 2). */
  findings: Finding[];
}

const packCache = new Map<string, { stamp: string; load: PackLoad }>();

function stampOf(file: string): string {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

const LOCAL = { origin: 'local', natives: NATIVE_RULES } as const;

/** A local pack already loaded as a document (a pack file given to `check` on its own). */
export function compileLocalPack(doc: LoadedDocument): PackLoad {
  return compilePolicyPack(doc, LOCAL);
}

export function loadLocalPack(file: string, confine?: PathConfinement): PackLoad {
  const stamp = stampOf(file);
  const hit = packCache.get(file);
  if (hit && hit.stamp === stamp) return hit.load;
  const load = loadPolicyPack(file, LOCAL, confine);
  packCache.set(file, { stamp, load });
  return load;
}

/** Rules of local packs given as files or directories (resolved against `scope.root`). */
export function loadLocalRules(scope: PackScope, known: RuleRegistry) {
  const { files, findings } = discoverPackFiles(scope);
  const rules: Rule[] = [];
  const ids = new Map<string, Rule>();
  for (const file of files) {
    const pack = loadLocalPack(file, scope.confine);
    findings.push(...pack.findings);
    for (const r of pack.rules) {
      const clash = known.get(r.id) ?? ids.get(r.id);
      if (clash) {
        const where =
          clash.origin === 'builtin'
            ? 'a built-in rule'
            : `a rule of ${clash.location?.file ?? 'another pack'}`;
        findings.push({
          rule: 'policy/invalid',
          severity: 'error',
          message: `rule id "${r.id}" is already ${where}; choose another id`,
          location: r.location,
        });
        continue;
      }
      ids.set(r.id, r);
      rules.push(r);
    }
  }
  return { rules, files, findings };
}

/** The local packs a project names, confined to it and located at its manifest lines. */
export function projectPackScope(project: Project): PackScope {
  return {
    root: project.root,
    paths: project.manifest.policies?.paths ?? [],
    confine: project.confine,
    locate: (i) => project.manifestDoc.provenance.locate(`policies.paths[${i}]`),
  };
}

export function projectRules(project: Project): ProjectRules {
  const builtin = builtinRules();
  const local = loadLocalRules(projectPackScope(project), builtin.registry);
  const useBuiltin = project.manifest.policies?.builtin !== false;
  return {
    registry: builtin.registry.extend(local.rules),
    active: [...(useBuiltin ? builtin.packRules : []), ...local.rules],
    localFiles: local.files,
    findings: [...builtin.findings, ...local.findings],
  };
}
