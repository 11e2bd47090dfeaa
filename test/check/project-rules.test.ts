/**
 * `check` builds a project's rules once per run and every consumer reads that one set: the
 * policy stage runs it, rule controls check overrides against it, and the result carries it
 * for the reports' rule table (cli/rule-lookup.ts).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckContext, CheckStage } from '../../src/check/stage.js';
import { checkProject } from '../../src/check/check-project.js';
import { CHECK_STAGES } from '../../src/check/stages.js';
import { ruleLookup } from '../../src/cli/rule-lookup.js';
import { EXAMPLE, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-project-rules-');
afterAll(() => tmp.cleanup());

/** The example project, its team/owner-label rule overridden to error and firing in every environment. */
function project(): string {
  const dir = join(tmp.dir, 'p');
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/\/(exports|data)$/.test(src) });
  const manifest = join(dir, 'exportctl.yaml');
  const text = readFileSync(manifest, 'utf8');
  const next = text.replace(
    '    export/chunk-size: error\n',
    '    export/chunk-size: error\n    team/owner-label: error\n',
  );
  expect(next).not.toBe(text);
  writeFileSync(manifest, next);
  const base = join(dir, 'config/base.yaml');
  const config = readFileSync(base, 'utf8');
  const stripped = config.replace(/^ {2}owner: .*\n/m, '');
  expect(stripped).not.toBe(config);
  writeFileSync(base, stripped);
  return dir;
}

describe("a project's rules in one check run", () => {
  it('are built once: the stages, the controls and the result share them', () => {
    const dir = project();
    const seen: CheckContext['rules'][] = [];
    const witness: CheckStage = {
      name: 'witness',
      run(ctx) {
        seen.push(ctx.rules);
        return { findings: [] };
      },
    };
    const r = checkProject({ cwd: dir, stages: [...CHECK_STAGES, witness], now: new Date('2026-06-01') });
    expect(r.fatal).toBe(false);
    const rules = r.projects[0].rules;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(rules);

    // The local pack's rule is in the registry, ran (policy stage), and its override held (controls).
    expect(rules.registry.get('team/owner-label')).toMatchObject({ origin: 'local', engine: 'cel' });
    const owner = r.findings.filter((f) => f.rule === 'team/owner-label');
    expect(owner.length).toBeGreaterThan(0);
    for (const f of owner) expect(f.severity).toBe('error');
    expect(r.findings.filter((f) => f.rule === 'policy/override-invalid')).toEqual([]);

    // The reports' rule table reads the same registry: the local rule is documented.
    const doc = ruleLookup([rules.registry], dir)('team/owner-label');
    expect(doc?.description).toBe('Every export names its owning team.');
    expect(doc?.help).toContain('policies/team-rules.yaml');
    // Every stage's declared rules are there too.
    for (const id of ['yaml/syntax', 'schema/invalid', 'drift/state', 'deps/unpinned', 'plan/required-tags'])
      expect(rules.registry.has(id), id).toBe(true);
  });
});
