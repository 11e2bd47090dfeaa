/**
 * The built-in rules: the packs shipped in `policies/` (loaded and compiled once per
 * process) plus the rules each stage declares in its own `rules.ts`. This is the one list of
 * where built-in rules come from; a new stage adds its declarations to `STAGE_RULES`.
 */
import { dirname, join } from 'node:path';
import { LOADER_RULES } from '../config/rules.js';
import { DEPS_RULES } from '../deps/rules.js';
import type { Finding } from '../diagnostics/finding.js';
import { DRIFT_RULES, STATE_DRIFT_RULES } from '../drift/rules.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { PLAN_RULES } from '../plan/rules.js';
import type { StageRule } from '../rules/meta.js';
import { RuleRegistry } from '../rules/registry.js';
import { SCHEMA_RULES } from '../schema/rules.js';
import { TERRAFORM_RULES } from '../terraform/rules.js';
import { NATIVE_RULES } from './native/index.js';
import { packFilesIn } from './pack/discover.js';
import { compilePolicyPack } from './pack/load-pack.js';
import { loadBuiltinPackDocument } from './pack/snapshot.js';
import type { Rule } from './rule-evaluation.js';
import { POLICY_RULES } from './rules.js';

/** Every stage's rules, in pipeline order: load, schema, policy, drift, deps, synth, plan. */
export const STAGE_RULES: readonly StageRule[] = [
  ...LOADER_RULES,
  ...SCHEMA_RULES,
  ...POLICY_RULES,
  ...DRIFT_RULES,
  ...DEPS_RULES,
  ...TERRAFORM_RULES,
  ...PLAN_RULES,
  ...STATE_DRIFT_RULES,
];

/** `policies/` of the installed package. */
export const BUILTIN_POLICY_DIR = join(PACKAGE_ROOT, 'policies');

export interface BuiltinRules {
  registry: RuleRegistry;
  /** Rules from the shipped packs (CEL and native). */
  packRules: Rule[];
  /** Problems of the shipped packs (a bug in exportctl; tests keep this empty). */
  findings: Finding[];
}

let cached: BuiltinRules | undefined;

export function builtinRules(): BuiltinRules {
  if (cached) return cached;
  // The shipped packs are the YAML files at the top of policies/ (compiled/ holds their snapshot).
  const files = packFilesIn(BUILTIN_POLICY_DIR).files.filter((f) => dirname(f) === BUILTIN_POLICY_DIR);
  const packRules: Rule[] = [];
  const findings: Finding[] = [];
  const ids = new Set<string>();
  for (const r of STAGE_RULES) {
    if (ids.has(r.id))
      findings.push({
        rule: 'policy/invalid',
        severity: 'error',
        message: `rule "${r.id}" is declared twice by exportctl's stages`,
      });
    ids.add(r.id);
  }
  for (const file of files) {
    const loaded = loadBuiltinPackDocument(BUILTIN_POLICY_DIR, file);
    const pack = loaded.doc
      ? compilePolicyPack(loaded.doc, { origin: 'builtin', natives: NATIVE_RULES })
      : { rules: [], findings: loaded.findings };
    findings.push(...pack.findings);
    for (const r of pack.rules) {
      if (ids.has(r.id)) {
        findings.push({
          rule: 'policy/invalid',
          severity: 'error',
          message: `rule "${r.id}" is defined twice among the built-in packs`,
          location: r.location,
        });
        continue;
      }
      ids.add(r.id);
      packRules.push(r);
    }
  }
  for (const id of NATIVE_RULES.keys()) {
    if (!ids.has(id))
      findings.push({
        rule: 'policy/invalid',
        severity: 'error',
        message: `native rule "${id}" has no metadata in any built-in pack`,
      });
  }
  cached = { registry: new RuleRegistry([...STAGE_RULES, ...packRules]), packRules, findings };
  return cached;
}
