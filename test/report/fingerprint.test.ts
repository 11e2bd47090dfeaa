import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnostics/finding.js';
import {
  findingFingerprint,
  fingerprintFile,
  normaliseMessage,
  reportFingerprints,
} from '../../src/report/fingerprint.js';
import type { ReportItem } from '../../src/report/merge.js';

const at = (file: string, line: number) => ({ file, line, column: 3, endLine: line, endColumn: 9 });
const f: Finding = {
  rule: 'drift/unexpected',
  severity: 'error',
  message: 'export.timeout is 300 in dev but 300s in prod (the reference, config/base.yaml:33)',
  path: 'export.timeout',
  env: 'dev',
  location: at('/r/p/config/envs/dev.yaml', 4),
};

describe('findingFingerprint', () => {
  it('ignores the line, the column and positions inside the message', () => {
    const moved = {
      ...f,
      message: f.message.replace(':33', ':35'),
      location: at('/r/p/config/envs/dev.yaml', 40),
    };
    expect(findingFingerprint(moved, '/r')).toBe(findingFingerprint(f, '/r'));
    expect(normaliseMessage('bad at line 3, column 7 and x.yaml:3:7')).toBe(
      'bad at line #, column # and x.yaml:#',
    );
  });

  it('differs by rule, environment, file, config path and message; the same root-relative file matches', () => {
    const fp = findingFingerprint(f, '/r');
    expect(findingFingerprint({ ...f, rule: 'drift/missing' }, '/r')).not.toBe(fp);
    expect(findingFingerprint({ ...f, env: 'prod' }, '/r')).not.toBe(fp);
    expect(findingFingerprint({ ...f, location: at('/r/p/config/base.yaml', 4) }, '/r')).not.toBe(fp);
    expect(findingFingerprint({ ...f, path: 'export.chunk_size' }, '/r')).not.toBe(fp);
    expect(findingFingerprint({ ...f, message: 'another' }, '/r')).not.toBe(fp);
    // The same tree extracted elsewhere (a base revision in a temp dir).
    expect(findingFingerprint({ ...f, location: at('/tmp/x/p/config/envs/dev.yaml', 9) }, '/tmp/x')).toBe(fp);
  });

  it('hashes the redacted message: a secret does not change the fingerprint', () => {
    const a = { ...f, message: 'url postgres://u:hunter2@db/x has a password' };
    const b = { ...f, message: 'url postgres://u:swordfish@db/x has a password' };
    expect(normaliseMessage(a.message)).not.toContain('hunter2');
    expect(findingFingerprint(a, '/r')).toBe(findingFingerprint(b, '/r'));
  });
});

describe('reportFingerprints (SARIF, GitLab)', () => {
  const item = (finding: Finding, envs: string[]): ReportItem => ({ finding, envs });

  it("a single-environment item carries its finding's fingerprint; a project-wide one too", () => {
    const global = { ...f, env: undefined, location: undefined };
    expect(reportFingerprints([item(f, ['dev']), item(global, [])], '/r')).toEqual([
      findingFingerprint(f, '/r'),
      findingFingerprint(global, '/r'),
    ]);
    expect(fingerprintFile(global, '/r')).toBe('');
    expect(fingerprintFile(f, '/r')).toBe('p/config/envs/dev.yaml');
  });

  it('a merged item is identified by its sorted environment set', () => {
    const [a] = reportFingerprints([item(f, ['dev', 'prod'])], '/r');
    const [b] = reportFingerprints([item({ ...f, env: 'prod' }, ['prod', 'dev'])], '/r');
    expect(a).toBe(b);
    expect(a).not.toBe(findingFingerprint(f, '/r'));
    expect(a).not.toBe(findingFingerprint({ ...f, env: 'prod' }, '/r'));
    const [c] = reportFingerprints([item(f, ['dev', 'prod', 'staging'])], '/r');
    expect(c).not.toBe(a);
  });

  it('is unique within a report: repeats get an occurrence index', () => {
    const moved = { ...f, location: at('/r/p/config/envs/dev.yaml', 40) };
    const prints = reportFingerprints([item(f, ['dev']), item(moved, ['dev']), item(f, ['dev'])], '/r');
    expect(prints[0]).toBe(findingFingerprint(f, '/r'));
    expect(new Set(prints).size).toBe(3);
    for (const p of prints) expect(p).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashes no secret: a password in the message does not change it', () => {
    const a = { ...f, message: 'url postgres://u:hunter2@db/x has a password' };
    const b = { ...f, message: 'url postgres://u:swordfish@db/x has a password' };
    expect(reportFingerprints([item(a, ['dev', 'prod'])], '/r')).toEqual(
      reportFingerprints([item(b, ['dev', 'prod'])], '/r'),
    );
  });
});
