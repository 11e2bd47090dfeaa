/**
 * `terraform/identical-environments`: the synthesized stacks of all environments have the
 * same resource addresses, and every attribute that differs from the reference
 * environment's stack traces to a config path that `drift.allow` lets differ in that
 * environment, or to the environment's name. Compares the emitted Terraform JSON (so a
 * difference introduced by synth or the emitter is caught too) and uses the stack model's
 * attribute sources to name the config path.
 */
import { getAtPath, parsePath } from '../config/path.js';
import type { ConfigValues } from '../config/types.js';
import type { Finding } from '../diagnostics/finding.js';
import type { DriftAllowed } from './drift-allow.js';
import type { TerraformJson } from './emitter.js';
import { flattenLeaves, show } from './flatten.js';
import { type AttributeSources, resourceAddress, type StackSpec, sourceOf } from './model.js';
import { RULE_IDENTICAL } from './rules.js';

export interface ComparedStack {
  env: string;
  spec: StackSpec;
  json: TerraformJson;
  values: ConfigValues;
}

interface Unit {
  leaves: Map<string, unknown>;
  sources: AttributeSources;
}

/** The comparable parts of a stack: the provider, the backend and each resource, by address. */
export function stackUnits(stack: { spec: StackSpec; json: TerraformJson }): Map<string, Unit> {
  const units = new Map<string, Unit>();
  const provider = stack.json.provider?.[stack.spec.provider.name];
  units.set(`provider.${stack.spec.provider.name}`, {
    leaves: flattenLeaves(Array.isArray(provider) ? provider[0] : provider),
    sources: stack.spec.provider.sources,
  });
  if (stack.spec.backend) {
    units.set(`backend.${stack.spec.backend.type}`, {
      leaves: flattenLeaves(stack.json.terraform?.backend?.[stack.spec.backend.type]),
      sources: stack.spec.backend.sources,
    });
  }
  for (const r of stack.spec.resources) {
    units.set(resourceAddress(r), {
      leaves: flattenLeaves(stack.json.resource?.[r.type]?.[r.name] ?? {}),
      sources: r.sources,
    });
  }
  return units;
}

export function checkIdenticalEnvironments(
  stacks: readonly ComparedStack[],
  reference: string,
  allowed: DriftAllowed,
): Finding[] {
  const ref = stacks.find((s) => s.env === reference);
  if (!ref) return [];
  const refUnits = stackUnits(ref);
  const findings: Finding[] = [];

  for (const stack of stacks) {
    if (stack === ref) continue;
    const env = stack.env;
    const units = stackUnits(stack);
    /** Findings grouped by config path: one per path, naming the first attributes. */
    const byPath = new Map<string, string[]>();
    const note = (path: string, what: string) => {
      const list = byPath.get(path) ?? [];
      list.push(what);
      byPath.set(path, list);
    };
    const depDiffers = (p: string) =>
      JSON.stringify(getAtPath(stack.values, parsePath(p))) !==
      JSON.stringify(getAtPath(ref.values, parsePath(p)));

    for (const [address, unit] of units) {
      const other = refUnits.get(address);
      if (!other) {
        const src = sourceOf(unit.sources, '')?.paths ?? [];
        const blamed = src.filter((p) => !allowed(env, p));
        if (src.length === 0 || blamed.length > 0) {
          note(blamed[0] ?? '', `${address} is in ${env}'s stack but not in ${reference}'s`);
        }
        continue;
      }
      const keys = new Set([...unit.leaves.keys(), ...other.leaves.keys()]);
      for (const key of keys) {
        const a = unit.leaves.get(key);
        const b = other.leaves.get(key);
        if (JSON.stringify(a) === JSON.stringify(b)) continue;
        const src = sourceOf(unit.sources, key) ?? sourceOf(other.sources, key) ?? { paths: [] };
        const differing = src.paths.filter(depDiffers);
        const blamed = differing.filter((p) => !allowed(env, p));
        // Nothing in the config explains it and it is not the environment's name: synth itself differs.
        const unexplained = differing.length === 0 && !src.env;
        if (blamed.length === 0 && !unexplained) continue;
        const attr = key === '' ? address : `${address}.${key}`;
        const what = `${attr} is ${show(a)} in ${env} but ${show(b)} in ${reference}`;
        if (blamed.length > 0) for (const p of blamed) note(p, what);
        else note(src.paths[0] ?? '', `${what}, and no config value explains it`);
      }
    }
    for (const address of refUnits.keys()) {
      if (units.has(address)) continue;
      const src = sourceOf(refUnits.get(address)!.sources, '')?.paths ?? [];
      const blamed = src.filter((p) => !allowed(env, p));
      if (src.length === 0 || blamed.length > 0) {
        note(blamed[0] ?? '', `${address} is in ${reference}'s stack but not in ${env}'s`);
      }
    }

    for (const [path, whats] of byPath) {
      const more = whats.length > 1 ? ` (and ${whats.length - 1} more)` : '';
      const why =
        path === '' ? '' : `; it comes from ${path}, which drift.allow does not let differ in ${env}`;
      findings.push({
        rule: RULE_IDENTICAL,
        severity: 'error',
        message: `stacks of ${env} and ${reference} differ: ${whats[0]}${more}${why}`,
        ...(path === '' ? {} : { path }),
        env,
      });
    }
  }
  return findings;
}
