/**
 * The RuleTester of the deps rules: every rule's `fail` example fires it and its `pass`
 * example does not, checked by `checkProject` on a real project with the rules' example matrix.
 * The same metadata feeds `exportctl explain` and docs/rules.md through the registry.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEPS_RULES, EXAMPLE_MATRIX } from '../../src/deps/rules.js';
import { builtinRules } from '../../src/policy/builtin.js';
import { explainRule } from '../../src/policy/docs.js';
import { check, cleanupProjects, writeProject } from './project.js';

afterAll(cleanupProjects);

function body(example: string): string {
  const lines = example.split('\n').filter((l) => !l.startsWith('#'));
  expect(lines[0]).toBe('dependencies:');
  return `${lines.slice(1).join('\n')}`;
}

describe.each(DEPS_RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  it('its fail example fires it (in the protected environment, and in the other unless protected-only)', () => {
    const r = check(writeProject(body(rule.examples.fail), { 'compat/ml.yaml': EXAMPLE_MATRIX }));
    const envs = r.findings.filter((f) => f.rule === id).map((f) => f.env);
    expect(envs).toContain('prod');
    if (rule.protectedOnly) expect(envs).not.toContain('dev');
    else expect(envs).toContain('dev');
    for (const f of r.findings.filter((x) => x.rule === id)) expect(f.severity).toBe(rule.severity);
  });

  it('its pass example does not', () => {
    const r = check(writeProject(body(rule.examples.pass), { 'compat/ml.yaml': EXAMPLE_MATRIX }));
    expect(r.findings.filter((f) => f.rule === id)).toEqual([]);
    expect(r.fatal).toBe(false);
  });

  it('is in the rule registry, so explain, docs, overrides and waivers know it', () => {
    const registered = builtinRules().registry.get(id);
    expect(registered).toMatchObject({
      id,
      group: 'deps',
      severity: rule.severity,
      engine: 'stage',
      origin: 'builtin',
    });
    const text = explainRule(registered!);
    expect(text).toContain(rule.description);
    expect(text).toContain('Fails on:');
  });
});
