import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnostics/finding.js';
import { formatJunit } from '../../src/report/junit.js';
import { REPO, runCli } from '../helpers/cli.js';

interface TestCase {
  '@_name': string;
  '@_classname': string;
  '@_file': string;
  failure?: { '#text': string; '@_message': string; '@_type': string };
  'system-out'?: string;
}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  testcase: TestCase[];
}

function parseJunit(xml: string) {
  const valid = XMLValidator.validate(xml);
  expect(valid).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
    alwaysCreateTextNode: false,
    processEntities: true,
    htmlEntities: true,
    trimValues: false,
  });
  return parser.parse(xml).testsuites as { '@_tests': string; '@_failures': string; testsuite: Suite[] };
}

describe('--format junit', () => {
  it('is XML with one testcase per file × environment; failures carry the findings', () => {
    const r = runCli(['check', '--format', 'junit', 'examples/broken'], { cwd: REPO });
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const doc = parseJunit(r.stdout);
    expect(doc.testsuite.map((s) => s['@_name'])).toEqual(['dev', 'prod']);
    const cases = (env: string) => doc.testsuite.find((s) => s['@_name'] === env)!.testcase;
    const names = (env: string) => cases(env).map((c) => c['@_name']);
    // Each environment: the manifest, the base and its own overlay (never another one's).
    for (const env of ['dev', 'prod']) {
      expect(names(env).slice(0, 3)).toEqual([
        'examples/broken/exportctl.yaml',
        'examples/broken/config/base.yaml',
        `examples/broken/config/envs/${env}.yaml`,
      ]);
      // Another environment's overlay appears only when it holds a finding of this one
      // (drift/missing points at the reference's value).
      const other = cases(env).find(
        (c) => c['@_name'] === `examples/broken/config/envs/${env === 'dev' ? 'prod' : 'dev'}.yaml`,
      );
      if (other) expect(other.failure?.['#text'] ?? other['system-out']).toBeTruthy();
      for (const c of cases(env)) {
        expect(c['@_classname']).toBe(env);
        expect(c['@_file']).toBe(c['@_name']);
      }
    }
    const devOverlay = cases('dev').find((c) => c['@_name'] === 'examples/broken/config/envs/dev.yaml')!;
    expect(devOverlay.failure).toBeDefined();
    // The failure is named after an error it lists; its text lists every finding of the testcase.
    const type = devOverlay.failure!['@_type'];
    expect(devOverlay.failure!['#text']).toMatch(new RegExp(`^\\S+ {2}error {2}.* {2}${type} {2}\\(`, 'm'));
    expect(devOverlay.failure!['@_message'].startsWith(`${type}: `)).toBe(true);
    expect(devOverlay.failure!['#text']).toContain(
      'examples/broken/config/envs/dev.yaml:2:3  error  unknown key "timout" in server (did you mean "timeout"?)  schema/invalid  (server.timout)',
    );
    expect(devOverlay.failure!['#text']).toContain('examples/broken/config/envs/dev.yaml:4:12  error');

    const total = doc.testsuite.reduce((n, s) => n + s.testcase.length, 0);
    const failed = doc.testsuite.reduce((n, s) => n + s.testcase.filter((c) => c.failure).length, 0);
    expect(Number(doc['@_tests'])).toBe(total);
    expect(Number(doc['@_failures'])).toBe(failed);
    for (const s of doc.testsuite) {
      expect(Number(s['@_tests'])).toBe(s.testcase.length);
      expect(Number(s['@_failures'])).toBe(s.testcase.filter((c) => c.failure).length);
    }
  });

  it('passes for a clean project: every testcase without failure', () => {
    const r = runCli(['check', '--format', 'junit', 'examples/orders-export'], { cwd: REPO });
    expect(r.code).toBe(0);
    const doc = parseJunit(r.stdout);
    expect(doc.testsuite.map((s) => s['@_name'])).toEqual(['dev', 'staging', 'prod']);
    expect(Number(doc['@_failures'])).toBe(0);
    expect(doc.testsuite.every((s) => s.testcase.length >= 3 && s.testcase.every((c) => !c.failure))).toBe(
      true,
    );
  });

  it('escapes markup, quotes, line breaks and characters XML cannot hold', () => {
    const nasty = 'key "<a & b>" isn\'t ]]> allowed\nsecond line\u0000\u001b[31m';
    const findings: Finding[] = [
      {
        rule: 'schema/invalid',
        severity: 'error',
        message: nasty,
        env: 'dev',
        path: 'a.b',
        location: { file: '/p/config/a&b <1>.yaml', line: 3, column: 1, endLine: 3, endColumn: 4 },
      },
      {
        rule: 'export/chunk-size',
        severity: 'warning',
        message: 'chunk_size 100 is small',
        location: { file: '/p/config/base.yaml', line: 7, column: 3, endLine: 7, endColumn: 6 },
      },
    ];
    const xml = formatJunit({
      findings,
      cwd: '/p',
      files: ['/p/exportctl.yaml', '/p/config/base.yaml'],
      envs: ['dev', 'prod'],
      color: false,
      codeFrames: false,
    });
    const doc = parseJunit(xml);
    const dev = doc.testsuite[0].testcase;
    const bad = dev.find((c) => c['@_name'] === 'config/a&b <1>.yaml')!;
    expect(bad.failure!['@_message']).toBe(`schema/invalid: ${nasty.replace(/[\u0000\u001b]/g, '\uFFFD')}`);
    expect(bad.failure!['#text']).toContain('key "<a & b>" isn\'t ]]> allowed\nsecond line');
    // A project-wide warning reaches every environment reading the file, without failing it.
    for (const s of doc.testsuite) {
      const base = s.testcase.find((c) => c['@_name'] === 'config/base.yaml')!;
      expect(base.failure).toBeUndefined();
      expect(base['system-out']).toContain(
        'config/base.yaml:7:3  warning  chunk_size 100 is small  export/chunk-size',
      );
    }
    expect(doc.testsuite[1].testcase.some((c) => c['@_name'] === 'config/a&b <1>.yaml')).toBe(false);
  });
});
