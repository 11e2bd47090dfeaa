import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../src/policy/builtin.js';
import { explainRule, renderRulesMarkdown } from '../../src/policy/docs.js';
import { REPO } from '../helpers/cli.js';

describe('rule documentation', () => {
  it('docs/rules.md is generated from the registry and up to date (npm run docs:rules)', () => {
    const want = renderRulesMarkdown(builtinRules().registry);
    const have = readFileSync(join(REPO, 'docs', 'rules.md'), 'utf8');
    expect(have, 'docs/rules.md is stale: run `npm run docs:rules`').toBe(want);
  });

  it('documents every rule of the registry', () => {
    const doc = readFileSync(join(REPO, 'docs', 'rules.md'), 'utf8');
    for (const r of builtinRules().registry.all()) expect(doc).toContain(`### \`${r.id}\``);
  });

  it('explains a rule with why, a failing and a passing example', () => {
    const text = explainRule(builtinRules().registry.get('monitoring/required-alerts')!);
    expect(text).toMatch(/^monitoring\/required-alerts {2}\(default severity: error; built-in; CEL\)/);
    expect(text).toContain('Why it matters:');
    expect(text).toContain('Applies to: protected environments only');
    expect(text).toMatch(/Fails on:\n {2}# a protected environment\n {2}monitoring:/);
    expect(text).toContain('Passes on:');
  });
});
