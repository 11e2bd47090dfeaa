import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnostics/finding.js';
import { formatSarif, SARIF_FINGERPRINT_KEY } from '../../src/report/sarif.js';
import { BROKEN, EXAMPLE, REPO, runCli, tempDir } from '../helpers/cli.js';

const MULTITOOL = join(REPO, 'node_modules', '.bin', 'sarif-multitool');

/**
 * Warnings of Microsoft's SARIF multitool that our logs carry on purpose; any other warning,
 * and every error, fails the test.
 * - SARIF2004: `artifacts` holds only locations. Kept: it lists every file the run checked,
 *   including those without findings, and results point into it by index.
 * - SARIF2005: the driver has no `informationUri`. exportctl has no public home page to point
 *   to; each rule's `help` carries its documentation instead.
 */
const ACCEPTED_WARNINGS = new Set(['SARIF2004', 'SARIF2005']);

/**
 * Validates a log with `sarif-multitool validate` (the JSON schema plus the SARIF rules the
 * schema cannot express: index references, region forms, URIs…), read from its SARIF output.
 */
function validateWithMultitool(log: unknown): { errors: string[]; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'exportctl-sarif-'));
  try {
    const input = join(dir, 'log.sarif');
    const output = join(dir, 'validation.sarif');
    writeFileSync(input, JSON.stringify(log, null, 2));
    const r = spawnSync(MULTITOOL, ['validate', input, '--output', output, '--quiet'], { encoding: 'utf8' });
    if (r.error || r.status !== 0 || !existsSync(output))
      throw new Error(
        `sarif-multitool validate failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}${r.stdout}`,
      );
    const run = JSON.parse(readFileSync(output, 'utf8')).runs[0];
    const rules: { id: string; defaultConfiguration?: { level?: string } }[] = run.tool.driver.rules ?? [];
    const errors: string[] = [];
    const warnings: string[] = [];
    for (const res of run.results ?? []) {
      const level =
        res.level ?? rules.find((x) => x.id === res.ruleId)?.defaultConfiguration?.level ?? 'warning';
      const text = `${res.ruleId} ${JSON.stringify(res.message.arguments ?? res.message.text)}`;
      if (level === 'error') errors.push(text);
      else if (level === 'warning') warnings.push(text);
    }
    return { errors, warnings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** No error, no warning but the accepted ones, and proof the file was read at all. */
function expectValidSarif(log: unknown): void {
  const { errors, warnings } = validateWithMultitool(log);
  expect(errors).toEqual([]);
  expect(warnings.filter((w) => !ACCEPTED_WARNINGS.has(w.split(' ')[0]))).toEqual([]);
  // The multitool skips a file it cannot deserialize (a level outside its enum, say) without
  // a word: SARIF2005 is raised on every exportctl log it reads, so its absence means skipped.
  expect(warnings.some((w) => w.startsWith('SARIF2005 '))).toBe(true);
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

// The multitool (.NET) takes seconds per log, tens of seconds on a busy machine.
describe('--format sarif', { timeout: 5 * 60_000 }, () => {
  it('is valid SARIF 2.1.0 with one rule per rule id, stable ids and repo-relative URIs', () => {
    const r = runCli(['check', '--format', 'sarif', 'examples/broken'], { cwd: REPO });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const { log, run, results } = sarifOf(r.stdout);
    expectValidSarif(log);

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

  it('carries SARIF fixes: the safe rename of a mistyped key, and both units of a bare duration', () => {
    const r = runCli(['check', '--format', 'sarif', 'examples/broken'], { cwd: REPO });
    const { log, results } = sarifOf(r.stdout);
    expectValidSarif(log);
    type Fix = {
      description: { text: string };
      artifactChanges: { artifactLocation: { uri: string }; replacements: unknown[] }[];
    };
    const fixesOf = (x: SarifResult) => (x as SarifResult & { fixes?: Fix[] }).fixes ?? [];
    const typo = results.find((x) => x.message.text.includes('"timout"'))!;
    expect(fixesOf(typo)).toHaveLength(1);
    expect(fixesOf(typo)[0].artifactChanges[0]).toMatchObject({
      artifactLocation: { uri: 'examples/broken/config/envs/dev.yaml' },
      replacements: [
        {
          deletedRegion: { startLine: 2, startColumn: 3, endLine: 2, endColumn: 9 },
          insertedContent: { text: 'timeout' },
        },
      ],
    });
    const bare = results.find((x) => x.message.text.includes('bare number 300'))!;
    expect(fixesOf(bare).map((f) => f.artifactChanges[0].replacements[0])).toEqual([
      {
        deletedRegion: { startLine: 4, startColumn: 12, endLine: 4, endColumn: 15 },
        insertedContent: { text: '300ms' },
      },
      {
        deletedRegion: { startLine: 4, startColumn: 12, endLine: 4, endColumn: 15 },
        insertedContent: { text: '300s' },
      },
    ]);
    // Removals are left to `check --fix`: no result of another rule claims a fix.
    for (const x of results) if (x.ruleId !== 'schema/invalid') expect(fixesOf(x)).toEqual([]);
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
    expectValidSarif(log);
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
    expectValidSarif(log);
    expect(results.length).toBeGreaterThan(0);
    // Drift's findings, and the schema's for keys it rejects (drift does not report on those).
    expect(results.every((x) => x.ruleId.startsWith('drift/') || x.ruleId === 'schema/invalid')).toBe(true);
    expect(results.filter((x) => x.ruleId.startsWith('drift/')).length).toBeGreaterThan(0);
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
    expectValidSarif(log);
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
    expectValidSarif(log);
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

describe('the SARIF validator of these tests', { timeout: 5 * 60_000 }, () => {
  it('reports what is wrong with a broken log, so the checks above can fail', () => {
    const r = runCli(['check', '--format', 'sarif', 'examples/broken'], { cwd: REPO });
    const broken = (edit: (log: { runs: { results: Record<string, unknown>[] }[] }) => void) => {
      const { log } = sarifOf(r.stdout);
      edit(log);
      return validateWithMultitool(log).errors.map((e) => e.split(' ')[0]);
    };
    // Beyond the schema: an index past the end of the rule table.
    expect(
      broken((log) => {
        log.runs[0].results[0].ruleIndex = 999;
      }),
    ).toEqual(['SARIF1009']);
    // The schema: a result without its required message.
    expect(
      broken((log) => {
        delete log.runs[0].results[0].message;
      }),
    ).toEqual(['JSON1002']);
    // A log it cannot read at all is skipped without an error: expectValidSarif's proof of reading fails.
    const { log } = sarifOf(r.stdout);
    log.runs[0].results[0].level = 'fatal';
    const skipped = validateWithMultitool(log);
    expect(skipped).toEqual({ errors: [], warnings: [] });
  });
});
