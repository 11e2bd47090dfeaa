import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnostics/finding.js';
import { formatSarif, SARIF_FINGERPRINT_KEY } from '../../src/report/sarif.js';
import { BROKEN, EXAMPLE, REPO, runCli, tempDir } from '../helpers/cli.js';

/** The official OASIS SARIF 2.1.0 schema, kept beside the repository (never copied into it). */
const SARIF_SCHEMA = join(REPO, '..', 'shared', 'data', 'sarif-schema-2.1.0.json');

function sarifValidator() {
  if (!existsSync(SARIF_SCHEMA)) {
    throw new Error(
      `The SARIF 2.1.0 schema is missing: expected ${SARIF_SCHEMA} (../shared/data/ beside the repository).`,
    );
  }
  // The schema is draft-04; its own keywords are not all known to Ajv, hence strict: false.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv as never);
  return ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')));
}

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string; index: number };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
    logicalLocations?: { fullyQualifiedName: string }[];
  }[];
  partialFingerprints: Record<string, string>;
}

function sarifOf(stdout: string) {
  const log = JSON.parse(stdout);
  return { log, run: log.runs[0], results: log.runs[0].results as SarifResult[] };
}

describe('--format sarif', () => {
  const validate = sarifValidator();

  it('is valid SARIF 2.1.0 with one rule per rule id, stable ids and repo-relative URIs', () => {
    const r = runCli(['check', '--format', 'sarif', 'examples/broken'], { cwd: REPO });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const { log, run, results } = sarifOf(r.stdout);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);

    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver.name).toBe('exportctl');
    const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    expect(new Set(ruleIds)).toEqual(new Set(results.map((x) => x.ruleId)));
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toMatch(/^file:\/\/.*\/$/);

    expect(results.length).toBeGreaterThanOrEqual(3);
    for (const res of results) {
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(res.ruleId).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(loc.artifactLocation.uri).toMatch(/^examples\/broken\//);
      expect(run.artifacts[loc.artifactLocation.index].location.uri).toBe(loc.artifactLocation.uri);
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(res.partialFingerprints[SARIF_FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{64}$/);
    }
    const typo = results.find((x) => x.message.text.includes('"timout"'))!;
    expect(typo).toMatchObject({ ruleId: 'schema/invalid', level: 'error' });
    expect(typo.message.text).toMatch(/\[dev\]$/);
    expect(typo.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'examples/broken/config/envs/dev.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 3, endLine: 2 },
    });
    expect(typo.locations[0].logicalLocations?.[0].fullyQualifiedName).toBe('server.timout');
    const prints = results.map((x) => x.partialFingerprints[SARIF_FINGERPRINT_KEY]);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('keeps fingerprints across runs and when lines shift; regions follow the lines', () => {
    const dir = join(tmp.dir, 'shift');
    cpSync(BROKEN, dir, { recursive: true });
    const before = sarifOf(runCli(['check', '--format', 'sarif'], { cwd: dir }).stdout).results;
    const again = sarifOf(runCli(['check', '--format', 'sarif'], { cwd: dir }).stdout).results;
    expect(again).toEqual(before);

    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ya?ml|txt)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      writeFileSync(file, `# a comment\n# and another\n\n${readFileSync(file, 'utf8')}`);
    }
    const after = sarifOf(runCli(['check', '--format', 'sarif'], { cwd: dir }).stdout).results;
    const byPrint = (rs: SarifResult[]) =>
      new Map(rs.map((x) => [x.partialFingerprints[SARIF_FINGERPRINT_KEY], x]));
    const a = byPrint(before);
    const b = byPrint(after);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [print, x] of a) {
      const y = b.get(print)!;
      expect(y.ruleId).toBe(x.ruleId);
      expect(y.locations[0].physicalLocation.region.startLine).toBe(
        x.locations[0].physicalLocation.region.startLine + 3,
      );
    }
  });

  it("builds the rule table from the rule registry: descriptions, default severities, explain's text", () => {
    const r = runCli(['check', '--format', 'sarif', 'examples/broken'], { cwd: REPO });
    const rules = sarifOf(r.stdout).run.tool.driver.rules as {
      id: string;
      shortDescription: { text: string };
      help: { text: string };
      defaultConfiguration: { level: string };
    }[];
    const ids = rules.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['schema/invalid', 'export/chunk-size', 'waiver/expired']));
    const levels: Record<string, string> = { error: 'error', warning: 'warning', info: 'note' };
    const docs = JSON.parse(runCli(['explain', 'export/chunk-size', '--format', 'json']).stdout);
    const chunk = rules.find((x) => x.id === 'export/chunk-size')!;
    expect(chunk.shortDescription.text).toBe(docs.description);
    expect(chunk.defaultConfiguration.level).toBe(levels[docs.severity]);
    for (const id of ['export/chunk-size', 'schema/invalid', 'waiver/expired']) {
      const rule = rules.find((x) => x.id === id)!;
      expect(rule.help.text).toBe(runCli(['explain', id]).stdout);
      expect(rule.shortDescription.text).not.toBe(id);
    }
  });

  it("documents a local pack's rule from the project's pack", () => {
    const dir = join(tmp.dir, 'local-rule');
    expect(runCli(['init', dir]).code).toBe(0);
    writeFileSync(
      join(dir, 'config/envs/prod.yaml'),
      'infrastructure:\n  instance: { type: t3.medium, count: 2 }\nexport:\n  timeout: 2h\n',
    );
    const r = runCli(['check', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    const { log, run, results } = sarifOf(r.stdout);
    expect(validate(log)).toBe(true);
    const rule = run.tool.driver.rules.find((x: { id: string }) => x.id === 'team/export-timeout');
    expect(rule).toMatchObject({
      shortDescription: { text: 'Export jobs in staging and prod finish within 30 minutes.' },
      defaultConfiguration: { level: 'error' },
    });
    expect(rule.help.text).toContain('local pack policies/team.yaml:');
    const hit = results.find((x) => x.ruleId === 'team/export-timeout')!;
    expect(hit.locations[0].physicalLocation.artifactLocation.uri).toBe('config/envs/prod.yaml');
    expect(hit.locations[0].physicalLocation.region.startLine).toBe(4);
  });

  it('`drift --format sarif` reports the drift findings in the same valid SARIF', () => {
    const r = runCli(['drift', '--format', 'sarif'], { cwd: BROKEN });
    expect(r.code).toBe(1);
    const { log, run, results } = sarifOf(r.stdout);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((x) => x.ruleId.startsWith('drift/'))).toBe(true);
    for (const rule of run.tool.driver.rules) expect(rule.shortDescription.text).not.toBe(rule.id);
    expect(results.map((x) => x.ruleId)).toContain('drift/unexpected');
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^examples\/broken\//);
  });

  it('`plan-check --format sarif` reports plan findings in valid SARIF with the rules documented', () => {
    const plan = join(tmp.dir, 'plan.json');
    const change = (address: string, actions: string[], after: unknown) => {
      const [type, name] = address.split('.');
      return {
        address,
        mode: 'managed',
        type,
        name,
        change: { actions, before: {}, after, after_unknown: {} },
      };
    };
    writeFileSync(
      plan,
      JSON.stringify(
        {
          format_version: '1.2',
          resource_changes: [
            change('aws_s3_bucket.exports', ['delete'], null),
            change('aws_sns_topic.alerts', ['create'], { tags_all: { Team: 'data' } }),
          ],
        },
        null,
        2,
      ),
    );
    const r = runCli(['plan-check', plan, '--env', 'prod', '--format', 'sarif'], { cwd: EXAMPLE });
    expect(r.code).toBe(1);
    const { log, run, results } = sarifOf(r.stdout);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(results.map((x) => x.ruleId).sort()).toEqual(['plan/protected-destroy', 'plan/required-tags']);
    for (const rule of run.tool.driver.rules) expect(rule.shortDescription.text).not.toBe(rule.id);
    // The plan file lies outside the repository: an absolute file URI.
    expect(results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(pathToFileURL(plan).href);
    expect(results[0].locations[0].physicalLocation.region.startLine).toBeGreaterThan(1);
  });

  it('takes rule documentation from the rule lookup, and the id when there is none', () => {
    const findings: Finding[] = [
      {
        rule: 'team/export-timeout',
        severity: 'error',
        message: 'export.timeout must be at most 30m',
        path: 'export.timeout',
        env: 'prod',
        location: { file: '/repo/p/config/base.yaml', line: 40, column: 12, endLine: 40, endColumn: 16 },
      },
      { rule: 'waiver/expired', severity: 'warning', message: 'a waiver expired' },
      {
        rule: 'schema/invalid',
        severity: 'error',
        message: 'outside',
        location: { file: '/elsewhere/x y.yaml', line: 1, column: 1, endLine: 1, endColumn: 2 },
      },
    ];
    const out = formatSarif({
      findings,
      cwd: '/repo/p',
      root: '/repo',
      files: ['/repo/p/exportctl.yaml', '/repo/p/config/base.yaml'],
      envs: ['prod'],
      color: false,
      codeFrames: false,
      rules: (id) =>
        id === 'team/export-timeout'
          ? {
              description: 'Export jobs finish within 30 minutes.',
              rationale: 'Long jobs hold connections.',
              defaultSeverity: 'error',
              helpUri: 'https://example.com/rules/team/export-timeout',
            }
          : undefined,
    });
    const log = JSON.parse(out);
    expect(validate(log)).toBe(true);
    const [rules, results] = [log.runs[0].tool.driver.rules, log.runs[0].results];
    expect(rules.map((x: { id: string }) => x.id)).toEqual([
      'schema/invalid',
      'team/export-timeout',
      'waiver/expired',
    ]);
    expect(rules[1]).toMatchObject({
      shortDescription: { text: 'Export jobs finish within 30 minutes.' },
      fullDescription: { text: 'Export jobs finish within 30 minutes. Long jobs hold connections.' },
      helpUri: 'https://example.com/rules/team/export-timeout',
      defaultConfiguration: { level: 'error' },
    });
    expect(rules[2]).toMatchObject({
      shortDescription: { text: 'waiver/expired' },
      defaultConfiguration: { level: 'warning' },
    });
    // Relative to the root, not the working directory.
    expect(results[0].locations[0].physicalLocation.artifactLocation).toMatchObject({
      uri: 'p/config/base.yaml',
      uriBaseId: '%SRCROOT%',
    });
    // A project-wide finding is anchored at the first checked file.
    expect(results[1].locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'p/exportctl.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    // A file outside the root: an absolute file URI, no base.
    expect(results[2].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'file:///elsewhere/x%20y.yaml',
    );
    expect(results[2].locations[0].physicalLocation.artifactLocation.uriBaseId).toBeUndefined();
    expect(results[2].level).toBe('error');
    expect(results[1].level).toBe('warning');
  });
});
