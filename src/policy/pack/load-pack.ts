/**
 * Loading a PolicyPack: the one YAML loader, the pack's JSON Schema, then every CEL
 * expression parsed and type-checked. Anything wrong is a finding at its own
 * file:line:col (`yaml/syntax`, `schema/invalid`, `policy/invalid`); a pack with findings
 * must not be used (the check exits 2).
 */
import type { PathConfinement } from '../../config/confinement.js';
import { loadDocument } from '../../config/load-document.js';
import { parsePath } from '../../config/path.js';
import type { ConfigValues, LoadedDocument } from '../../config/types.js';
import type { Finding, Severity } from '../../diagnostics/finding.js';
import { validateToFindings } from '../../schema/validate.js';
import type { CelEngine } from '../cel/engine.js';
import { policyCelEngine } from '../cel/policy-environment.js';
import { type CompiledCheck, type CompiledExpression, celRuleEvaluator } from '../cel-rule.js';
import { compileMessage } from '../message.js';
import { type RuleFixture, ruleGroup } from '../../rules/meta.js';
import type { NativeRuleImpl, Rule, RuleOutcome } from '../rule-evaluation.js';
import { expressionRange } from './expr-location.js';
import { isPlainObject } from '../../config/compose.js';

export interface PackLoad {
  file: string;
  name?: string;
  rules: Rule[];
  /** Problems of the pack; any finding means the pack cannot be used. */
  findings: Finding[];
}

interface RawCheck {
  for_each?: string;
  match?: string;
  assert: string;
  path?: string;
  message: string;
}

interface RawRule extends Partial<RawCheck> {
  id: string;
  severity: Severity;
  description: string;
  rationale?: string;
  envs?: string[];
  protected_only?: boolean;
  checks?: RawCheck[];
  native?: true;
  tests?: { pass?: unknown[]; fail?: unknown[] };
}

interface RawPack {
  name: string;
  rules: RawRule[];
}

export interface PackOptions {
  origin: 'builtin' | 'local';
  natives: ReadonlyMap<string, NativeRuleImpl>;
  engine?: CelEngine;
}

const FIXTURE_KEYS = new Set(['config', 'env', 'protected', 'envs']);

export function loadPolicyPack(file: string, options: PackOptions, confine?: PathConfinement): PackLoad {
  const loaded = loadDocument(file, { confine });
  if (!loaded.doc) return { file, rules: [], findings: loaded.findings };
  return compilePolicyPack(loaded.doc, options);
}

export function compilePolicyPack(doc: LoadedDocument, options: PackOptions): PackLoad {
  const file = doc.file;
  const schema = validateToFindings('PolicyPack', doc.value, doc.provenance);
  if (schema.length > 0) return { file, rules: [], findings: schema };

  const engine = options.engine ?? policyCelEngine();
  const pack = doc.value as RawPack;
  const findings: Finding[] = [];
  const rules: Rule[] = [];
  const seen = new Set<string>();

  const invalid = (path: string, message: string, location = doc.provenance.locate(path)) =>
    findings.push({ rule: 'policy/invalid', severity: 'error', message, location });

  const compile = (yamlPath: string, source: string, expect?: string): CompiledExpression | undefined => {
    const c = engine.compile(source, { expect });
    if (c.ok) return { program: c.value, yamlPath };
    invalid(
      yamlPath,
      `${yamlPath.replace(/^rules\[\d+\]\./, '')}: ${c.error.message}`,
      expressionRange(doc, yamlPath, source, c.error.start, c.error.end),
    );
    return undefined;
  };
  const locate = (yamlPath: string, e: { start: number; end: number }) => {
    const source = String(doc.provenance.origin(yamlPath) ? getString(doc.value, yamlPath) : '');
    return expressionRange(doc, yamlPath, source, e.start, e.end);
  };

  pack.rules.forEach((raw, i) => {
    const at = `rules[${i}]`;
    const before = findings.length;
    if (seen.has(raw.id)) invalid(`${at}.id`, `rule "${raw.id}" is defined twice in this pack`);
    seen.add(raw.id);

    const forms = [raw.assert !== undefined, raw.checks !== undefined, raw.native === true].filter(
      Boolean,
    ).length;
    if (forms !== 1) {
      invalid(at, `rule "${raw.id}" must have exactly one of assert, checks or native`);
      return;
    }
    if (raw.checks && (raw.for_each !== undefined || raw.path !== undefined || raw.message !== undefined)) {
      invalid(at, `rule "${raw.id}": with checks, for_each, path and message belong in each check`);
      return;
    }

    const ruleMatch = raw.match !== undefined ? compile(`${at}.match`, raw.match, 'bool') : undefined;
    let evaluate: ((input: Parameters<Rule['evaluate']>[0]) => RuleOutcome) | undefined;

    if (raw.native) {
      if (raw.for_each !== undefined || raw.path !== undefined || raw.message !== undefined) {
        invalid(at, `rule "${raw.id}": a native rule sets its own path and message`);
        return;
      }
      const impl = options.origin === 'builtin' ? options.natives.get(raw.id) : undefined;
      if (!impl) {
        invalid(
          `${at}.native`,
          options.origin === 'builtin'
            ? `no native implementation of "${raw.id}"`
            : `rule "${raw.id}": native rules are built into exportctl; write local rules with assert (CEL)`,
        );
        return;
      }
      evaluate = nativeEvaluator(impl, ruleMatch);
    } else {
      const rawChecks: Array<{ raw: RawCheck; at: string }> = raw.checks
        ? raw.checks.map((c, j) => ({ raw: c, at: `${at}.checks[${j}]` }))
        : [{ raw: raw as RawCheck, at }];
      const checks: CompiledCheck[] = [];
      for (const { raw: c, at: cat } of rawChecks) {
        const match = c.match !== undefined ? compile(`${cat}.match`, c.match, 'bool') : undefined;
        const assert = compile(`${cat}.assert`, c.assert, 'bool');
        const msg = compileMessage(engine, c.message);
        if (!msg.ok) {
          invalid(
            `${cat}.message`,
            `message: ${msg.error.message}`,
            expressionRange(doc, `${cat}.message`, c.message, msg.error.start, msg.error.end),
          );
        }
        if (!assert || !msg.ok || (c.match !== undefined && !match)) continue;
        checks.push({
          forEach: c.for_each !== undefined ? { path: parsePath(c.for_each), text: c.for_each } : undefined,
          match,
          assert,
          path: c.path ?? (c.for_each !== undefined ? `${c.for_each}[*]` : undefined),
          message: msg.value,
          messageYamlPath: `${cat}.message`,
        });
      }
      if (findings.length === before)
        evaluate = celRuleEvaluator(ruleMatch, checks, locate, {
          key: file,
          label: `policy pack ${pack.name ?? file}`,
        });
    }
    if (findings.length > before || !evaluate) return;

    rules.push({
      id: raw.id,
      group: ruleGroup(raw.id),
      severity: raw.severity,
      description: raw.description,
      rationale: raw.rationale,
      engine: raw.native ? 'native' : 'cel',
      origin: options.origin,
      configurable: true,
      envs: raw.envs,
      protectedOnly: raw.protected_only,
      location: doc.provenance.locate(`${at}.id`),
      tests: {
        pass: (raw.tests?.pass ?? []).map((f, j) => fixture(doc, f, `${at}.tests.pass[${j}]`, raw)),
        fail: (raw.tests?.fail ?? []).map((f, j) => fixture(doc, f, `${at}.tests.fail[${j}]`, raw)),
      },
      evaluate,
    });
  });

  return { file, name: pack.name, rules: findings.length > 0 ? [] : rules, findings };
}

function getString(value: unknown, yamlPath: string): string {
  let cur: unknown = value;
  for (const seg of parsePath(yamlPath)) cur = (cur as Record<string | number, unknown>)?.[seg];
  return typeof cur === 'string' ? cur : '';
}

function nativeEvaluator(impl: NativeRuleImpl, match: CompiledExpression | undefined) {
  return (input: Parameters<Rule['evaluate']>[0]): RuleOutcome => {
    if (match) {
      const r = match.program.evaluate(input.activation());
      if (!r.ok) return { violations: [], problems: [{ message: `${r.error.message} (in ${input.env})` }] };
      if (r.value !== true) return { violations: [], problems: [] };
    }
    try {
      return { violations: impl.evaluate(input), problems: [] };
    } catch (err) {
      return { violations: [], problems: [{ message: `${(err as Error).message} (in ${input.env})` }] };
    }
  };
}

function fixture(doc: LoadedDocument, raw: unknown, yamlPath: string, rule: RawRule): RuleFixture {
  const wrapped =
    isPlainObject(raw) && Object.keys(raw).length > 0 && Object.keys(raw).every((k) => FIXTURE_KEYS.has(k));
  const f = wrapped
    ? (raw as { config?: unknown; env?: string; protected?: boolean; envs?: Record<string, unknown> })
    : { config: raw };
  const config = (isPlainObject(f.config) ? f.config : {}) as ConfigValues;
  const env = f.env ?? rule.envs?.[0] ?? 'test';
  const envs: Record<string, ConfigValues> = {};
  for (const [k, v] of Object.entries(f.envs ?? {})) envs[k] = (isPlainObject(v) ? v : {}) as ConfigValues;
  envs[env] = config;
  return {
    config,
    env,
    protected: f.protected ?? rule.protected_only ?? false,
    envs,
    location: doc.provenance.locate(yamlPath),
    source: raw,
  };
}
