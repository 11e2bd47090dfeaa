import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnostics/finding.js';
import { formatGitlab } from '../../src/report/gitlab.js';
import { BROKEN, REPO, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Issue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

describe('--format gitlab', () => {
  it('is Code Quality JSON: description, check_name, fingerprint, severity, location', () => {
    const r = runCli(['check', '--format', 'gitlab', 'examples/broken'], { cwd: REPO });
    expect(r.code).toBe(1);
    const issues = JSON.parse(r.stdout) as Issue[];
    expect(Array.isArray(issues)).toBe(true);
    expect(issues.length).toBeGreaterThanOrEqual(3);
    for (const i of issues) {
      expect(Object.keys(i)).toEqual(['description', 'check_name', 'fingerprint', 'severity', 'location']);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(i.severity);
      expect(i.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(i.location.path).toMatch(/^examples\/broken\//);
      expect(Number.isInteger(i.location.lines.begin) && i.location.lines.begin >= 1).toBe(true);
    }
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    const typo = issues.find((i) => i.description.includes('"timout"'));
    expect(typo).toEqual({
      description: 'unknown key "timout" in server (did you mean "timeout"?) [dev]',
      check_name: 'schema/invalid',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      severity: 'major',
      location: { path: 'examples/broken/config/envs/dev.yaml', lines: { begin: 2 } },
    });
  });

  it('is an empty list for a clean project', () => {
    const r = runCli(['check', '--format', 'gitlab', 'examples/orders-export'], { cwd: REPO });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('keeps fingerprints when lines shift', () => {
    const dir = join(tmp.dir, 'p');
    cpSync(BROKEN, dir, { recursive: true });
    const before = JSON.parse(runCli(['check', '--format', 'gitlab'], { cwd: dir }).stdout) as Issue[];
    const dev = join(dir, 'config/envs/dev.yaml');
    writeFileSync(dev, `# moved down\n${readFileSync(dev, 'utf8')}`);
    const after = JSON.parse(runCli(['check', '--format', 'gitlab'], { cwd: dir }).stdout) as Issue[];
    expect(after.map((i) => i.fingerprint).sort()).toEqual(before.map((i) => i.fingerprint).sort());
    const moved = after.find((i) => i.description.includes('"timout"'))!;
    expect(moved.location).toEqual({ path: 'config/envs/dev.yaml', lines: { begin: 3 } });
  });

  it('maps severities and keeps fingerprints unique when rule, file and path collide', () => {
    const at = { file: '/p/config/base.yaml', line: 3, column: 1, endLine: 3, endColumn: 2 };
    const findings: Finding[] = [
      { rule: 'schema/invalid', severity: 'error', message: 'one', path: 'a', location: at },
      { rule: 'schema/invalid', severity: 'error', message: 'two', path: 'a', location: at },
      {
        rule: 'export/chunk-size',
        severity: 'warning',
        message: 'w',
        path: 'export.chunk_size',
        location: at,
      },
      { rule: 'x/y', severity: 'info', message: 'i', path: 'b', location: at },
    ];
    const input = { cwd: '/p', files: ['/p/exportctl.yaml'], envs: [], color: false, codeFrames: false };
    const issues = JSON.parse(formatGitlab({ ...input, findings })) as Issue[];
    expect(issues.map((i) => i.severity)).toEqual(['major', 'major', 'minor', 'info']);
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(4);
    // Independent of order.
    const reversed = JSON.parse(formatGitlab({ ...input, findings: [...findings].reverse() })) as Issue[];
    expect(reversed.map((i) => i.fingerprint).reverse()).toEqual(issues.map((i) => i.fingerprint));
  });
});
