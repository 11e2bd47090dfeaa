/**
 * Rule documentation rendered from the registry: `exportctl explain RULE` and
 * docs/rules.md (scripts/gen-rules-doc.mjs; test/policy/docs.test.ts fails when stale).
 */
import { stringify } from 'yaml';
import { CEL_FUNCTION_DOCS } from './cel/functions.js';
import type { RuleRegistry } from '../rules/registry.js';
import type { RuleFixture, RuleMeta } from '../rules/meta.js';

const ENGINE_LABEL = { cel: 'CEL', native: 'native', stage: 'built into the pipeline' } as const;

function yamlOf(value: unknown): string {
  return stringify(value, { lineWidth: 100 }).trimEnd();
}

function fixtureText(f: RuleFixture): string {
  const head: string[] = [];
  if (f.env !== 'test') head.push(`# environment: ${f.env}${f.protected ? ' (protected)' : ''}`);
  else if (f.protected) head.push('# a protected environment');
  const body = Object.keys(f.config).length === 0 ? '{}   # an empty config' : yamlOf(f.config);
  return [...head, body].join('\n');
}

export function exampleTexts(rule: RuleMeta): { fail?: string; pass?: string } {
  return {
    fail: rule.tests.fail[0] ? fixtureText(rule.tests.fail[0]) : rule.examples?.fail?.trimEnd(),
    pass: rule.tests.pass[0] ? fixtureText(rule.tests.pass[0]) : rule.examples?.pass?.trimEnd(),
  };
}

function scopeText(rule: RuleMeta): string | undefined {
  const parts: string[] = [];
  if (rule.envs && rule.envs.length > 0) parts.push(`environments ${rule.envs.join(', ')}`);
  if (rule.protectedOnly) parts.push('protected environments only');
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}

/** `exportctl explain RULE`; `where` shows a local pack's file (relative to the working directory). */
export function explainRule(rule: RuleMeta, where: (file: string) => string = (f) => f): string {
  const out: string[] = [];
  const origin =
    rule.origin === 'builtin'
      ? 'built-in'
      : `local pack ${rule.location ? `${where(rule.location.file)}:${rule.location.line}` : ''}`.trim();
  out.push(`${rule.id}  (default severity: ${rule.severity}; ${origin}; ${ENGINE_LABEL[rule.engine]})`);
  out.push('');
  out.push(rule.description);
  if (rule.rationale) out.push('', `Why it matters: ${rule.rationale}`);
  const scope = scopeText(rule);
  if (scope) out.push('', `Applies to: ${scope}`);
  if (!rule.configurable) out.push('', 'Its severity cannot be changed in the manifest.');
  if (rule.fixable) out.push('', FIXABLE_TEXT[rule.fixable]);
  const ex = exampleTexts(rule);
  if (ex.fail) out.push('', 'Fails on:', indent(ex.fail));
  if (ex.pass) out.push('', 'Passes on:', indent(ex.pass));
  out.push(
    '',
    `Turn it off or change its severity in exportctl.yaml (policies.rules: { ${rule.id}: warning }), or waive one finding with a reason under waivers:.`,
  );
  return `${out.join('\n')}\n`;
}

/** docs/rules.md: every built-in rule, grouped. */
export function renderRulesMarkdown(registry: RuleRegistry): string {
  const rules = registry.all().filter((r) => r.origin === 'builtin');
  const groups = new Map<string, RuleMeta[]>();
  for (const r of rules) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const out: string[] = [
    '# Rule reference',
    '',
    '<!-- Generated from the rule registry by `npm run docs:rules` (scripts/gen-rules-doc.mjs). Do not edit. -->',
    '',
    'Every rule exportctl reports. Ids are stable: use them in `policies.rules` (severity',
    'override or `off`), in `waivers`, and in CI scripts. `exportctl explain RULE` prints the',
    'same text. Rules marked CEL live in the packs under `policies/`; native rules are',
    'TypeScript with their metadata and fixtures in the same packs.',
    '',
    '| id | severity | engine | what it demands |',
    '| --- | --- | --- | --- |',
  ];
  for (const r of rules) {
    out.push(
      `| [\`${r.id}\`](#${anchor(r.id)}) | ${r.severity} | ${ENGINE_LABEL[r.engine]} | ${r.description.replace(/\|/g, '\\|')} |`,
    );
  }
  for (const [group, list] of groups) {
    out.push('', `## ${group}/`);
    for (const r of list) {
      out.push('', `### \`${r.id}\``, '');
      out.push(
        `Default severity: **${r.severity}**. Engine: ${ENGINE_LABEL[r.engine]}.${r.configurable ? '' : ' Cannot be overridden.'}${r.fixable ? ` ${FIXABLE_TEXT[r.fixable]}` : ''}`,
      );
      const scope = scopeText(r);
      if (scope) out.push('', `Applies to: ${scope}.`);
      out.push('', r.description);
      if (r.rationale) out.push('', `**Why:** ${r.rationale}`);
      const ex = exampleTexts(r);
      if (ex.fail) out.push('', 'Fails on:', '', '```yaml', ex.fail, '```');
      if (ex.pass) out.push('', 'Passes on:', '', '```yaml', ex.pass, '```');
    }
  }
  out.push('', '## CEL functions added by exportctl', '', '| function | meaning |', '| --- | --- |');
  for (const f of CEL_FUNCTION_DOCS)
    out.push(`| \`${f.signature}\` | ${f.description.replace(/\|/g, '\\|')} |`);
  out.push('');
  return out.join('\n');
}

function anchor(id: string): string {
  return id.replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

/** What `fixable` means to a user (explain, docs/rules.md). */
const FIXABLE_TEXT: Record<NonNullable<RuleMeta['fixable']>, string> = {
  safe: 'Fixable: `exportctl check --fix` applies its safe fixes (`--fix-dry-run` shows them).',
  suggestion: 'Offers suggestions (text output, SARIF `fixes`); never applied by `--fix`.',
};
