import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnostics/finding.js';
import { escapeData, escapeProperty, formatGithub } from '../../src/report/github.js';
import { REPO, runCli } from '../helpers/cli.js';

/** Parses `::cmd k=v,k=v::message` the way the Actions runner does, undoing its escapes. */
function parseCommand(line: string) {
  const m = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (!m) return undefined;
  const unescapeValue = (s: string) =>
    s
      .replace(/%3A/g, ':')
      .replace(/%2C/g, ',')
      .replace(/%0D/g, '\r')
      .replace(/%0A/g, '\n')
      .replace(/%25/g, '%');
  const props: Record<string, string> = {};
  for (const kv of m[2].split(',')) {
    const i = kv.indexOf('=');
    props[kv.slice(0, i)] = unescapeValue(kv.slice(i + 1));
  }
  return { command: m[1], props, message: unescapeValue(m[3]) };
}

describe('--format github', () => {
  it('writes one workflow command per finding, then the text report', () => {
    const r = runCli(['check', '--format', 'github', 'examples/broken'], { cwd: REPO });
    expect(r.code).toBe(1);
    // Annotations first, then the normal report fenced off from command processing.
    const fence = /^::stop-commands::([0-9a-f]{32})$/m.exec(r.stdout);
    expect(fence).not.toBeNull();
    const [head, report] = [
      r.stdout.slice(0, fence!.index),
      r.stdout.slice(fence!.index + fence![0].length + 1),
    ];
    const commands = head.split('\n').filter(Boolean);
    expect(commands.length).toBeGreaterThanOrEqual(3);
    expect(
      commands.every(
        (l) => l.startsWith('::error ') || l.startsWith('::warning ') || l.startsWith('::notice '),
      ),
    ).toBe(true);
    expect(report).toMatch(
      new RegExp(`✖ \\d+ errors?, \\d+ warnings? \\(\\d+ files, 2 environments\\)\n::${fence![1]}::\n$`),
    );
    expect(r.stdout).toContain(
      'examples/broken/config/envs/dev.yaml:2:3  error  unknown key "timout" in server (did you mean "timeout"?) [dev]  schema/invalid',
    );

    const typo = commands.map(parseCommand).find((c) => c?.message.includes('"timout"'))!;
    expect(typo).toEqual({
      command: 'error',
      props: {
        file: 'examples/broken/config/envs/dev.yaml',
        line: '2',
        col: '3',
        endLine: '2',
        endColumn: '8',
        title: 'schema/invalid',
      },
      message: 'unknown key "timout" in server (did you mean "timeout"?) [dev]',
    });
    for (const c of commands.map(parseCommand)) {
      expect(c).toBeDefined();
      expect(['error', 'warning', 'notice']).toContain(c!.command);
      expect(Object.keys(c!.props)[0]).toBe('file');
      expect(c!.props.file).not.toMatch(/^\//);
      expect(Number(c!.props.line)).toBeGreaterThanOrEqual(1);
      expect(c!.props.title).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    }
  });

  it('escapes data and properties as the Actions toolkit does', () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');

    const findings: Finding[] = [
      {
        rule: 'schema/invalid',
        severity: 'warning',
        message: 'bad value "50%"\n::error::injected',
        env: 'dev',
        location: { file: '/r/dir,with:odd/x.yaml', line: 4, column: 5, endLine: 6, endColumn: 2 },
      },
      { rule: 'waiver/expired', severity: 'info', message: 'note this' },
    ];
    const out = formatGithub({
      findings,
      cwd: '/r',
      files: ['/r/exportctl.yaml'],
      envs: ['dev'],
      color: false,
      codeFrames: false,
    });
    const lines = out.split('\n');
    // The message's own line break cannot start a command: the text report is fenced.
    const fence = lines.findIndex((l) => l.startsWith('::stop-commands::'));
    expect(fence).toBe(2);
    const token = lines[fence].slice('::stop-commands::'.length);
    expect(lines.indexOf(`::${token}::`)).toBeGreaterThan(
      lines.indexOf('::error::injected [dev]  schema/invalid'),
    );
    // A range over several lines carries no columns (GitHub drops those annotations).
    expect(lines[0]).toBe(
      '::warning file=dir%2Cwith%3Aodd/x.yaml,line=4,endLine=6,title=schema/invalid::bad value "50%25"%0A::error::injected [dev]',
    );
    // No location: anchored at the first checked file; info is a notice.
    expect(lines[1]).toBe('::notice file=exportctl.yaml,line=1,title=waiver/expired::note this');
    expect(out).not.toContain(`::${token}::\n::`);
  });
});
