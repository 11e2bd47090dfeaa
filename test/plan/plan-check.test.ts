import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPlan, missingTags } from '../../src/plan/check-plan.js';
import type { PlanJson, ResourceChange } from '../../src/plan/plan-json.js';
import { EXAMPLE, hasStackTrace, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-plan-');
afterAll(() => tmp.cleanup());

function rc(
  address: string,
  actions: string[],
  after: Record<string, unknown> | null,
  afterUnknown: unknown = {},
): ResourceChange {
  const [type, name] = address.split('.');
  return {
    address,
    mode: 'managed',
    type,
    name,
    change: {
      actions: actions as ResourceChange['change']['actions'],
      before: {},
      after,
      after_unknown: afterUnknown,
    },
  };
}

function check(changes: ResourceChange[], isProtected = true) {
  const plan: PlanJson = { format_version: '1.2', resource_changes: changes };
  const text = JSON.stringify(plan, null, 2);
  return checkPlan({ plan, file: '/p/plan.json', text, env: 'prod', protected: isProtected });
}

describe('plan/protected-destroy', () => {
  it('fires on delete, both replace orders and forget in a protected environment only', () => {
    const changes = [
      rc('aws_s3_bucket.a', ['delete'], null),
      rc('aws_s3_bucket.b', ['delete', 'create'], { tags_all: { Environment: 'prod', Project: 'p' } }),
      rc('aws_s3_bucket.c', ['create', 'delete'], { tags_all: { Environment: 'prod', Project: 'p' } }),
      rc('aws_s3_bucket.d', ['forget'], null),
      rc('aws_s3_bucket.e', ['update'], { tags_all: { Environment: 'prod', Project: 'p' } }),
      { ...rc('aws_s3_bucket.f', ['delete'], null), mode: 'data' as const },
    ];
    const f = check(changes);
    expect(f.map((x) => x.message)).toEqual([
      'plan deletes aws_s3_bucket.a in protected environment prod',
      'plan replaces (delete, then create) aws_s3_bucket.b in protected environment prod',
      'plan replaces (create, then delete) aws_s3_bucket.c in protected environment prod',
      'plan forgets (removes from state without destroying) aws_s3_bucket.d in protected environment prod',
    ]);
    // Located at the resource's entry in the plan file.
    expect(f[1].location).toMatchObject({ file: '/p/plan.json' });
    expect(f[1].location!.line).toBeGreaterThan(f[0].location!.line);
    expect(check(changes, false)).toEqual([]);
  });
});

describe('plan/required-tags', () => {
  it('uses tags_all where present, tags otherwise; unknown values are not missing', () => {
    expect(
      missingTags(rc('x.a', ['create'], { tags: { Environment: 'e' }, tags_all: { Environment: 'e' } })),
    ).toEqual(['Project']);
    expect(missingTags(rc('x.b', ['create'], { tags: null }))).toEqual(['Environment', 'Project']);
    // Default tags from the provider land in tags_all only.
    expect(
      missingTags(rc('x.c', ['update'], { tags: {}, tags_all: { Environment: 'e', Project: 'p' } })),
    ).toEqual([]);
    expect(missingTags(rc('x.d', ['create'], { tags: {} }, { tags_all: true }))).toEqual([]);
    expect(
      missingTags(rc('x.e', ['create'], { tags_all: { Project: 'p' } }, { tags_all: { Environment: true } })),
    ).toEqual([]);
    // Not taggable, or not created/updated.
    expect(missingTags(rc('x.f', ['create'], { bucket: 'b' }))).toEqual([]);
    expect(missingTags(rc('x.g', ['no-op'], { tags: {} }))).toEqual([]);
    expect(missingTags(rc('x.h', ['delete'], null))).toEqual([]);
  });
});

describe('exportctl plan-check and plan: usage errors exit 2', () => {
  it('rejects a file that is not plan JSON', () => {
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, '{"format_version":"1.0","values":{}}');
    const r = runCli(['plan-check', bad, '--env', 'prod'], { cwd: EXAMPLE });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('this is state, not a plan');
    const notJson = join(tmp.dir, 'x.json');
    writeFileSync(notJson, 'Terraform will perform the following actions');
    expect(runCli(['plan-check', notJson, '--env', 'prod'], { cwd: EXAMPLE }).code).toBe(2);
    expect(runCli(['plan-check', bad, '--env', 'qa'], { cwd: EXAMPLE }).stderr).toContain(
      'unknown environment "qa"',
    );
  });

  it('says so when terraform is not on PATH, or cannot initialize', () => {
    const emptyBin = join(tmp.dir, 'empty-bin');
    mkdirSync(emptyBin);
    const out = join(tmp.dir, 'out');
    const r = runCli(['plan', '--env', 'prod', '--out', out], { cwd: EXAMPLE, env: { PATH: emptyBin } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('terraform is not on PATH');

    const fake = join(tmp.dir, 'fake-terraform');
    writeFileSync(fake, '#!/bin/sh\necho "Error: Failed to query available provider packages" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const plan = () =>
      runCli(['plan', '--env', 'prod', '--out', out], { cwd: EXAMPLE, env: { EXPORTCTL_TERRAFORM: fake } });
    // The stack ships the package: without its tarball beside the stack, plan says so first.
    const missing = plan();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/exportctl\.tgz is missing/);
    writeFileSync(
      join(out, 'stacks', 'orders-export-prod', 'exportctl.tgz'),
      'stand-in for the npm pack tarball\n',
    );
    const r2 = plan();
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(
      /terraform init of orders-export-prod failed[\s\S]*Failed to query available provider packages/,
    );
    expect(hasStackTrace(r2.stderr)).toBe(false);
  });
});
