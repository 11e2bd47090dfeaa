/**
 * `drift/state`: deployed Terraform state (`terraform show -json` of a state) against what
 * synth produces for the environment. Reports declared attributes whose deployed value
 * differs, declared resources missing from the state, and resources in the state that the
 * config does not declare. Only attributes synth declares are compared (computed ones such as
 * `arn` are the provider's business); references to other resources are not compared.
 */
import { isPlainObject } from '../config/compose.js';
import { isSecretKey, REDACTED } from '../config/secrets.js';
import { appendPath } from '../config/path.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { parseShowJson } from './show-json.js';
import type { TerraformJson } from './emitter.js';
import { escapeRegExp } from '../config/path.js';
import { locateInJson, show } from './flatten.js';
import { resourceAddress, type StackSpec, sourceOf } from './model.js';
import { DRIFT_STATE } from '../drift/rules.js';

export interface StateResource {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  index?: number | string;
  values: Record<string, unknown>;
}

interface StateModule {
  resources?: StateResource[];
  child_modules?: StateModule[];
}

export interface StateJson {
  format_version: string;
  values?: { root_module?: StateModule };
}

export function parseStateJson(text: string, file: string): StateJson {
  const s = parseShowJson(text, file, '`terraform show -json` state output') as Partial<StateJson> & {
    resource_changes?: unknown;
    version?: unknown;
  };
  if (!s || typeof s !== 'object')
    throw new UsageError(`${file}: expected \`terraform show -json\` state output`);
  if (typeof s.version === 'number' && s.format_version === undefined) {
    throw new UsageError(
      `${file}: a raw .tfstate file; run \`terraform show -json\` on it and pass that output`,
    );
  }
  if (typeof s.format_version !== 'string') {
    throw new UsageError(`${file}: no format_version; expected \`terraform show -json\` state output`);
  }
  if (s.resource_changes !== undefined) {
    throw new UsageError(`${file}: this is a plan, not state (use \`exportctl plan-check\`)`);
  }
  return s as StateJson;
}

function stateResources(m: StateModule | undefined, out: StateResource[] = []): StateResource[] {
  if (!m) return out;
  out.push(...(m.resources ?? []).filter((r) => r.mode === 'managed'));
  for (const c of m.child_modules ?? []) stateResources(c, out);
  return out;
}

/** Meta-arguments and CDKTF metadata: not attributes of the deployed resource. */
const META = new Set(['//', 'count', 'for_each', 'depends_on', 'lifecycle', 'provider']);
/** Maps compared whole: an extra deployed tag is drift too. */
const EXACT_MAPS = new Set(['tags', 'dimensions']);

export interface StateDriftInput {
  stack: { spec: StackSpec; json: TerraformJson };
  state: StateJson;
  /** Absolute path and text of the state JSON (findings without a config path point there). */
  file: string;
  text: string;
}

export function checkStateDrift(input: StateDriftInput): Finding[] {
  const { spec, json } = input.stack;
  const env = spec.env;
  const findings: Finding[] = [];
  const deployed = new Map(stateResources(input.state.values?.root_module).map((r) => [r.address, r]));
  const at = (address: string) =>
    locateInJson(
      input.file,
      input.text,
      new RegExp(`"address"\\s*:\\s*${escapeRegExp(JSON.stringify(address))}`),
    );
  const declaredAddresses = new Set<string>();

  for (const r of spec.resources) {
    const body = json.resource?.[r.type]?.[r.name] ?? {};
    const instances: Array<{ address: string; each?: string }> =
      r.forEach !== undefined
        ? r.forEach.map((k) => ({ address: `${resourceAddress(r)}[${JSON.stringify(k)}]`, each: k }))
        : r.count !== undefined
          ? Array.from({ length: r.count }, (_, i) => ({ address: `${resourceAddress(r)}[${i}]` }))
          : [{ address: resourceAddress(r) }];
    for (const inst of instances) {
      declaredAddresses.add(inst.address);
      const live = deployed.get(inst.address);
      const existence = sourceOf(r.sources, '')?.paths[0];
      if (!live) {
        findings.push({
          rule: DRIFT_STATE,
          severity: 'error',
          message: `${inst.address} is declared for ${env} but not in the state (not applied yet, or deleted outside Terraform)`,
          env,
          ...(existence ? { path: existence } : { location: at(inst.address) }),
        });
        continue;
      }
      const diffs: Array<{ attr: string; declared: unknown; actual: unknown }> = [];
      for (const [k, v] of Object.entries(body)) {
        if (META.has(k)) continue;
        compareDeclared(k, substituteEach(v, inst.each), live.values[k], diffs, EXACT_MAPS.has(k));
      }
      for (const d of diffs) {
        const leaf = d.attr.split(/[.[]/).pop() ?? d.attr;
        const secret = isSecretKey(leaf);
        const configPath = sourceOf(r.sources, d.attr)?.paths[0];
        findings.push({
          rule: DRIFT_STATE,
          severity: 'error',
          message: `${inst.address}.${d.attr} is ${secret ? REDACTED : show(d.actual)} in the deployed state but ${secret ? REDACTED : show(d.declared)} in the config of ${env}`,
          env,
          ...(configPath ? { path: configPath } : { location: at(inst.address) }),
        });
      }
    }
  }
  for (const [address, r] of deployed) {
    if (declaredAddresses.has(address)) continue;
    findings.push({
      rule: DRIFT_STATE,
      severity: 'error',
      message: `${address} is in the state of ${env} but not in its config (unmanaged: removed from the config, or added outside exportctl)`,
      env,
      location: at(r.address),
    });
  }
  return findings;
}

function substituteEach(v: unknown, each: string | undefined): unknown {
  if (each === undefined) return v;
  if (v === '${each.value}' || v === '${each.key}') return each;
  if (Array.isArray(v)) return v.map((x) => substituteEach(x, each));
  if (isPlainObject(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substituteEach(x, each)]));
  return v;
}

function isInterpolation(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

/** Whether everything declared holds in the deployed value (declared ⊆ deployed). */
function holds(declared: unknown, actual: unknown): boolean {
  const d: Array<{ attr: string; declared: unknown; actual: unknown }> = [];
  compareDeclared('', declared, actual, d, false);
  return d.length === 0;
}

function compareDeclared(
  attr: string,
  declared: unknown,
  actual: unknown,
  out: Array<{ attr: string; declared: unknown; actual: unknown }>,
  exact: boolean,
): void {
  if (declared === null || declared === undefined || isInterpolation(declared)) return;
  // A single nested block is written as an object and kept in state as a list of one.
  if (isPlainObject(declared) && Array.isArray(actual) && actual.length === 1) actual = actual[0];
  if (isPlainObject(declared)) {
    if (!isPlainObject(actual)) {
      out.push({ attr, declared, actual });
      return;
    }
    const a = actual as Record<string, unknown>;
    if (exact) {
      const keys = new Set([...Object.keys(declared), ...Object.keys(a)]);
      for (const k of keys) {
        if (String(declared[k] ?? '') !== String(a[k] ?? '') || k in declared !== k in a) {
          out.push({ attr: appendPath(attr, k), declared: declared[k], actual: a[k] });
        }
      }
      return;
    }
    for (const [k, v] of Object.entries(declared)) compareDeclared(appendPath(attr, k), v, a[k], out, false);
    return;
  }
  if (Array.isArray(declared)) {
    // Blocks and lists in state are often sets: compare without order.
    const pool = Array.isArray(actual) ? [...actual] : undefined;
    const ok =
      pool !== undefined &&
      pool.length === declared.length &&
      declared.every((d) => {
        const i = pool.findIndex((x) => holds(d, x));
        if (i < 0) return false;
        pool.splice(i, 1);
        return true;
      });
    if (!ok && !declared.some(isInterpolation)) out.push({ attr, declared, actual });
    return;
  }
  if (actual === null || actual === undefined || String(actual) !== String(declared)) {
    out.push({ attr, declared, actual });
  }
}
