/**
 * Hostile paths through every reader of a file the project names (issue 13): devices,
 * FIFOs, /dev/stdin, symbolic-link loops, links and paths leading out of the project, huge
 * files and directories where a file belongs. Each run is the built CLI in a child process;
 * each must end with the documented exit code and a finding (rule, message, position) or a
 * usage message, within generous bounds of time and memory measured in that child, and no
 * content of a file outside the project may appear in its output.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { EXAMPLE, hasStackTrace, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-files-');
afterAll(() => tmp.cleanup());
beforeAll(() => ensureBuilt(), 300_000);

/** Writes the child's peak RSS (VmHWM) where EXPORTCTL_TEST_RSS_OUT says, at exit. */
const PROBE = join(tmp.dir, 'rss-probe.cjs');
writeFileSync(
  PROBE,
  `const fs = require('node:fs');
process.on('exit', () => {
  const m = /VmHWM:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  fs.writeFileSync(process.env.EXPORTCTL_TEST_RSS_OUT, String(m ? Number(m[1]) * 1024 : -1));
});
`,
);

/** What no output may contain: the keys and values of the files outside the project. */
const OUTSIDE_KEY = 'outside_only_key_q7';
const OUTSIDE_VALUE = 'outside-only-value-z3';
const OUTSIDE = join(tmp.dir, 'outside');
mkdirSync(OUTSIDE);
writeFileSync(join(OUTSIDE, 'secret.yaml'), `${OUTSIDE_KEY}: ${OUTSIDE_VALUE}\nkind: PolicyPack\n`);
writeFileSync(join(OUTSIDE, 'pack.yaml'), `${OUTSIDE_KEY}: ${OUTSIDE_VALUE}\n`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  rss: number;
}

let runs = 0;
/** The CLI in a child process, with its wall time and peak RSS; killed after 30 s. */
function run(args: string[], cwd: string): Run {
  const out = join(tmp.dir, `rss-${runs++}`);
  const r = runCli(args, {
    cwd,
    timeout: 30_000,
    env: { NODE_OPTIONS: `--require ${PROBE}`, EXPORTCTL_TEST_RSS_OUT: out },
  });
  const rss = existsSync(out) ? Number(readFileSync(out, 'utf8')) : Number.POSITIVE_INFINITY;
  return { ...r, rss };
}

function expectBounded(r: Run): void {
  expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
  expect(r.ms).toBeLessThan(10_000);
  expect(r.rss).toBeGreaterThan(0);
  expect(r.rss).toBeLessThan(300 * 1024 * 1024);
  const all = r.stdout + r.stderr;
  expect(all).not.toContain(OUTSIDE_KEY);
  expect(all).not.toContain(OUTSIDE_VALUE);
}

let projects = 0;
/** A copy of the example project (without its database), edited by `edit`. */
function project(edit: (dir: string) => void = () => {}): string {
  const dir = join(tmp.dir, `p${projects++}`);
  cpSync(EXAMPLE, dir, { recursive: true, filter: (s) => !s.includes(`${EXAMPLE}/data`) });
  mkdirSync(join(dir, 'hostile'));
  edit(dir);
  return dir;
}

function replaceIn(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: ${String(from)} not found`);
  writeFileSync(file, next);
}

/** 1-based line of the first line containing `needle`. */
function lineOf(file: string, needle: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${file}: ${needle} not found`);
  return i + 1;
}

/**
 * One hostile thing a path can name. `make` creates it in the project and returns the path
 * as written in the project's files. `confinedOnly`: meaningful only where paths are
 * confined to the project (not for files named on the command line).
 */
interface Hostile {
  name: string;
  make(dir: string): string;
  rule: string;
  message: RegExp;
  /** `allow_outside_paths` entries the manifest gets. */
  allowOutside?: string[];
  confinedOnly?: boolean;
  /** Not a case for readers that accept directories (policy paths). */
  fileOnly?: boolean;
}

const HOSTILE: Hostile[] = [
  {
    name: '/dev/zero',
    make: () => '/dev/zero',
    rule: 'io/outside-project',
    message: /is outside the project directory; list its directory under allow_outside_paths/,
    confinedOnly: true,
  },
  {
    name: '/dev/zero with allow_outside_paths: [/dev]',
    make: () => '/dev/zero',
    allowOutside: ['/dev'],
    rule: 'io/read',
    message: /is a character device, not a regular file/,
  },
  {
    name: 'a FIFO',
    make: (dir) => {
      execFileSync('mkfifo', [join(dir, 'hostile/pipe.yaml')]);
      return 'hostile/pipe.yaml';
    },
    rule: 'io/read',
    message: /is a FIFO \(named pipe\), not a regular file/,
  },
  {
    name: '/dev/stdin (an open pipe: a socket under Node)',
    make: () => '/dev/stdin',
    allowOutside: ['/dev'],
    rule: 'io/read',
    message: /is a (FIFO \(named pipe\)|socket), not a regular file/,
  },
  {
    name: 'a symbolic-link loop',
    make: (dir) => {
      symlinkSync('loop-b.yaml', join(dir, 'hostile/loop-a.yaml'));
      symlinkSync('loop-a.yaml', join(dir, 'hostile/loop-b.yaml'));
      return 'hostile/loop-a.yaml';
    },
    rule: 'io/read',
    message: /symbolic link loop/,
  },
  {
    name: 'a symbolic link to a file outside the project',
    make: (dir) => {
      symlinkSync(join(OUTSIDE, 'secret.yaml'), join(dir, 'hostile/link.yaml'));
      return 'hostile/link.yaml';
    },
    rule: 'io/outside-project',
    message: /resolves \(through a symbolic link\) outside the project directory/,
    confinedOnly: true,
  },
  {
    name: '../../etc (a path written out of the project)',
    make: () => '../../../../../../../../../../etc',
    rule: 'io/outside-project',
    message: /is outside the project directory/,
    confinedOnly: true,
  },
  {
    name: '../outside/secret.yaml (a file out of the project)',
    make: () => '../outside/secret.yaml',
    rule: 'io/outside-project',
    message: /is outside the project directory/,
    confinedOnly: true,
  },
  {
    name: 'a 40 MiB file',
    make: (dir) => {
      writeFileSync(join(dir, 'hostile/huge.yaml'), '');
      truncateSync(join(dir, 'hostile/huge.yaml'), 40 * 1024 * 1024);
      return 'hostile/huge.yaml';
    },
    rule: 'io/too-large',
    message: /file is 40\.0 MiB; files of this kind are limited to (8|32)\.0 MiB/,
  },
  {
    name: 'a directory where a file belongs',
    make: (dir) => {
      mkdirSync(join(dir, 'hostile/dir.yaml'));
      return 'hostile/dir.yaml';
    },
    rule: 'io/read',
    message: /is a directory, not a file/,
    fileOnly: true,
  },
];

function allowOutside(dir: string, h: Hostile): void {
  if (!h.allowOutside) return;
  const m = join(dir, 'exportctl.yaml');
  writeFileSync(m, `${readFileSync(m, 'utf8')}allow_outside_paths: ${JSON.stringify(h.allowOutside)}\n`);
}

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
  path?: string;
}

function findingsOf(r: Run): Finding[] {
  return (JSON.parse(r.stdout) as { results: Finding[] }).results;
}

/** A reader whose path is written in a project file: the finding sits on that line. */
interface ProjectReader {
  name: string;
  /** Writes `path` where this reader takes it; returns the file and the text on the line naming it. */
  place(dir: string, path: string): { file: string; needle: string };
  code: number;
  /** The reader accepts a directory (policy paths). */
  directories?: boolean;
  /** Message prefix naming what the path is for. */
  what: RegExp;
}

const base = (dir: string) => join(dir, 'config/base.yaml');
const manifest = (dir: string) => join(dir, 'exportctl.yaml');

const PROJECT_READERS: ProjectReader[] = [
  {
    name: 'policies.paths',
    place: (dir, p) => {
      replaceIn(manifest(dir), 'paths: [policies/]', `paths: [${JSON.stringify(p)}]`);
      return { file: 'exportctl.yaml', needle: 'paths: [' };
    },
    code: 2,
    directories: true,
    what: /^policy path "/,
  },
  {
    name: 'base',
    place: (dir, p) => {
      replaceIn(manifest(dir), 'base: config/base.yaml', `base: ${JSON.stringify(p)}`);
      return { file: 'exportctl.yaml', needle: 'base: ' };
    },
    code: 2,
    what: /^base config "/,
  },
  {
    name: 'an overlay',
    place: (dir, p) => {
      replaceIn(manifest(dir), 'overlay: config/envs/dev.yaml', `overlay: ${JSON.stringify(p)}`);
      return { file: 'exportctl.yaml', needle: 'dev:' };
    },
    code: 2,
    what: /^overlay of dev "/,
  },
  {
    name: 'dependencies.lockfile',
    place: (dir, p) => {
      replaceIn(base(dir), /lockfile: requirements\.txt.*/, `lockfile: ${JSON.stringify(p)}`);
      return { file: 'config/base.yaml', needle: 'lockfile: ' };
    },
    code: 1,
    what: /^requirements file /,
  },
  {
    name: 'dependencies.compatibility',
    place: (dir, p) => {
      replaceIn(base(dir), 'compatibility: compat/ml.yaml', `compatibility: ${JSON.stringify(p)}`);
      return { file: 'config/base.yaml', needle: 'compatibility: ' };
    },
    code: 2,
    what: /^compatibility matrix "/,
  },
  {
    name: 'a -r include of requirements.txt',
    place: (dir, p) => {
      replaceIn(join(dir, 'requirements.txt'), '-r requirements-tools.txt', `-r ${p}`);
      return { file: 'requirements.txt', needle: `-r ${p}` };
    },
    code: 1,
    what: /^requirements file /,
  },
];

describe('hostile paths through every reader a project names', () => {
  for (const reader of PROJECT_READERS) {
    describe(reader.name, () => {
      for (const h of HOSTILE) {
        if (h.fileOnly && reader.directories) continue;
        it(`${h.name}: ${h.rule} where the path is named, exit ${reader.code}, bounded`, () => {
          let where = { file: '', needle: '' };
          const dir = project((d) => {
            allowOutside(d, h);
            where = reader.place(d, h.make(d));
          });
          const r = run(['check', '--format', 'json'], dir);
          expectBounded(r);
          expect(r.code).toBe(reader.code);
          // Once, or once per environment (a config names it for each).
          const found = findingsOf(r).filter((f) => f.rule === h.rule);
          expect(found.length).toBeGreaterThanOrEqual(1);
          const line = lineOf(join(dir, where.file), where.needle);
          for (const f of found) expect(f).toMatchObject({ file: where.file, line });
          expect(found[0].message).toMatch(reader.what);
          expect(found[0].message).toMatch(h.message);
        });
      }
    });
  }

  it('a -r include is positioned at its file name on the -r line', () => {
    const dir = project((d) => {
      execFileSync('mkfifo', [join(d, 'hostile/pipe.txt')]);
      replaceIn(join(d, 'requirements.txt'), '-r requirements-tools.txt', '-r hostile/pipe.txt');
    });
    const r = run(['check', '--format', 'json'], dir);
    expectBounded(r);
    const f = findingsOf(r).find((x) => x.rule === 'io/read');
    expect(f).toMatchObject({
      file: 'requirements.txt',
      line: lineOf(join(dir, 'requirements.txt'), '-r hostile/pipe.txt'),
      column: 4,
    });
  });

  it('a policy directory with a link to a file outside: refused at the manifest line, nothing of it read', () => {
    const dir = project((d) => symlinkSync(join(OUTSIDE, 'pack.yaml'), join(d, 'policies/shared.yaml')));
    const r = run(['check', '--format', 'json'], dir);
    expectBounded(r);
    expect(r.code).toBe(2);
    const [f] = findingsOf(r);
    expect(f).toMatchObject({
      rule: 'io/outside-project',
      file: 'exportctl.yaml',
      line: lineOf(manifest(dir), 'paths: [policies/]'),
    });
    expect(f.message).toMatch(
      /^policy path "policies\/": shared\.yaml: resolves \(through a symbolic link\)/,
    );
  });

  it('a policy directory: links to directories are not followed (no loop, no escape)', () => {
    const dir = project((d) => {
      symlinkSync('.', join(d, 'policies/again'));
      symlinkSync('.', join(d, 'policies/again.yaml'));
      symlinkSync(OUTSIDE, join(d, 'policies/elsewhere'));
    });
    const r = run(['check', '--format', 'json'], dir);
    expectBounded(r);
    expect(r.code).toBe(0);
  });

  it('a policy directory walk is bounded in depth', () => {
    const dir = project((d) => {
      mkdirSync(join(d, 'policies', ...Array.from({ length: 20 }, (_, i) => `d${i}`)), { recursive: true });
    });
    const r = run(['check', '--format', 'json'], dir);
    expectBounded(r);
    expect(r.code).toBe(2);
    expect(findingsOf(r)[0]).toMatchObject({ rule: 'io/too-large', file: 'exportctl.yaml' });
    expect(findingsOf(r)[0].message).toMatch(/nested deeper than 16 levels/);
  });

  it('allow_outside_paths lets a project read a shared directory outside it', () => {
    const shared = join(tmp.dir, 'team-policies');
    mkdirSync(shared);
    cpSync(join(EXAMPLE, 'policies/team-rules.yaml'), join(shared, 'team-rules.yaml'));
    const refused = project((d) => replaceIn(manifest(d), 'paths: [policies/]', `paths: [${shared}]`));
    const r1 = run(['check', '--format', 'json'], refused);
    expect(r1.code).toBe(2);
    expect(findingsOf(r1)[0].rule).toBe('io/outside-project');
    const allowed = project((d) => {
      replaceIn(manifest(d), 'paths: [policies/]', 'paths: [../team-policies]');
      writeFileSync(
        manifest(d),
        `${readFileSync(manifest(d), 'utf8')}allow_outside_paths: [../team-policies]\n`,
      );
    });
    const r2 = run(['check', '--format', 'json'], allowed);
    expectBounded(r2);
    expect(r2.code).toBe(0);
  });

  it('inside a git repository, paths elsewhere in the repository are read', () => {
    const repo = join(tmp.dir, 'repo');
    mkdirSync(join(repo, 'common'), { recursive: true });
    mkdirSync(join(repo, '.git'));
    cpSync(join(EXAMPLE, 'policies/team-rules.yaml'), join(repo, 'common/team-rules.yaml'));
    const dir = join(repo, 'svc');
    cpSync(EXAMPLE, dir, { recursive: true, filter: (s) => !s.includes(`${EXAMPLE}/data`) });
    replaceIn(manifest(dir), 'paths: [policies/]', 'paths: [../common]');
    const r = run(['check', '--format', 'json'], dir);
    expectBounded(r);
    expect(r.code).toBe(0);
    replaceIn(manifest(dir), 'paths: [../common]', 'paths: [../../outside]');
    const out = run(['check', '--format', 'json'], dir);
    expectBounded(out);
    expect(out.code).toBe(2);
    expect(findingsOf(out)[0].message).toMatch(/outside the git repository of the project/);
  });
});

describe('the manifest itself', () => {
  const cases: Array<{ name: string; make(dir: string): void; rule: string; message: RegExp }> = [
    {
      name: 'a FIFO',
      make: (d) => execFileSync('mkfifo', [manifest(d)]),
      rule: 'io/read',
      message: /FIFO/,
    },
    {
      name: 'a link to /dev/zero',
      make: (d) => symlinkSync('/dev/zero', manifest(d)),
      rule: 'io/outside-project',
      message: /resolves \(through a symbolic link\) outside/,
    },
    {
      name: 'a symbolic-link loop',
      make: (d) => symlinkSync('exportctl.yaml', manifest(d)),
      rule: 'io/read',
      message: /symbolic link loop/,
    },
    {
      name: 'a link to a file outside',
      make: (d) => symlinkSync(join(OUTSIDE, 'secret.yaml'), manifest(d)),
      rule: 'io/outside-project',
      message: /outside the project directory/,
    },
    {
      name: 'a 40 MiB file',
      make: (d) => {
        writeFileSync(manifest(d), '');
        truncateSync(manifest(d), 40 * 1024 * 1024);
      },
      rule: 'io/too-large',
      message: /limited to 8\.0 MiB/,
    },
    {
      name: 'a directory',
      make: (d) => mkdirSync(manifest(d)),
      rule: 'io/read',
      message: /is a directory, not a file/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.rule} at exportctl.yaml:1:1, exit 2, bounded`, () => {
      const dir = project((d) => {
        rmSync(manifest(d));
        c.make(d);
      });
      for (const args of [['check'], ['check', 'exportctl.yaml']]) {
        const r = run([...args, '--format', 'json'], dir);
        expectBounded(r);
        expect(r.code).toBe(2);
        const [f] = findingsOf(r);
        expect(f).toMatchObject({ file: 'exportctl.yaml', line: 1, column: 1, rule: c.rule });
        expect(f.message).toMatch(c.message);
      }
    });
  }
});

describe('files named on the command line (drift --state, plan-check)', () => {
  const commands: Array<{ name: string; args: (p: string) => string[] }> = [
    { name: 'drift --state', args: (p) => ['drift', '--state', p, '--env', 'dev'] },
    { name: 'plan-check', args: (p) => ['plan-check', p, '--env', 'dev'] },
  ];
  for (const c of commands) {
    for (const h of HOSTILE) {
      if (h.confinedOnly) continue;
      it(`${c.name} ${h.name}: exit 2 naming it, bounded`, () => {
        let path = '';
        const dir = project((d) => {
          path = h.make(d);
        });
        const r = run(c.args(path), dir);
        expectBounded(r);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`${path}: `);
        expect(r.stderr).toMatch(h.message);
        expect(r.stderr).toContain(`[${h.rule}]`);
        if (h.rule === 'io/too-large') expect(r.stderr).toMatch(/limited to 32\.0 MiB/);
      });
    }
  }
});

describe('files given to check that no environment references', () => {
  const qa = (d: string) => join(d, 'config/envs/qa.yaml');

  it('a syntax error is reported, with a warning that nothing uses the file (exit 1)', () => {
    const dir = project((d) => writeFileSync(qa(d), 'server:\n  port: [8080\n'));
    for (const flags of [[], ['--ignore-unknown']]) {
      const r = run(['check', ...flags, '--format', 'json', 'config/envs/qa.yaml'], dir);
      expectBounded(r);
      expect(r.code).toBe(1);
      const found = findingsOf(r);
      expect(found.map((f) => f.rule).sort()).toEqual(['io/unused-file', 'yaml/syntax']);
      expect(found.find((f) => f.rule === 'io/unused-file')).toMatchObject({
        file: 'config/envs/qa.yaml',
        line: 1,
        message: expect.stringMatching(/no environment of project orders-export uses this file/),
      });
      expect(found.find((f) => f.rule === 'yaml/syntax')?.file).toBe('config/envs/qa.yaml');
    }
  });

  it('a kind-less file beside the overlays is checked as an overlay', () => {
    const dir = project((d) => writeFileSync(qa(d), 'server:\n  prot: 8080\n'));
    const r = run(['check', '--format', 'json', 'config/envs/qa.yaml'], dir);
    expectBounded(r);
    expect(r.code).toBe(1);
    const bad = findingsOf(r).find((f) => f.rule === 'schema/invalid');
    expect(bad).toMatchObject({ file: 'config/envs/qa.yaml', line: 2, column: 3 });
    expect(bad?.message).toMatch(/unknown key "prot"/);
  });

  it('a valid unused file is a warning only (exit 0; --max-warnings 0 makes it 1)', () => {
    const dir = project((d) => writeFileSync(qa(d), 'server:\n  port: 8080\n'));
    const r = run(['check', '--format', 'json', 'config/envs/qa.yaml'], dir);
    expectBounded(r);
    expect(r.code).toBe(0);
    expect(findingsOf(r).map((f) => f.rule)).toEqual(['io/unused-file']);
    const strict = run(['check', '--max-warnings', '0', 'config/envs/qa.yaml'], dir);
    expect(strict.code).toBe(1);
  });

  it('a file that declares its kind is checked against that schema', () => {
    const dir = project((d) =>
      writeFileSync(
        join(d, 'compat/extra.yaml'),
        'apiVersion: exportctl/v1\nkind: CompatibilityMatrix\necosystem: pip\n',
      ),
    );
    const r = run(['check', '--format', 'json', 'compat/extra.yaml'], dir);
    expectBounded(r);
    expect(r.code).toBe(1);
    const rules = findingsOf(r).map((f) => f.rule);
    expect(rules).toContain('schema/invalid');
    expect(rules).toContain('io/unused-file');
  });

  it('a referenced file gets no warning; --ignore-unknown skips unrelated YAML elsewhere', () => {
    const dir = project((d) => writeFileSync(join(d, 'docker-compose.yml'), 'services: [\n'));
    const used = run(['check', '--format', 'json', 'config/envs/dev.yaml', 'compat/ml.yaml'], dir);
    expectBounded(used);
    expect(findingsOf(used).filter((f) => f.rule === 'io/unused-file')).toEqual([]);
    const skipped = run(['check', '--ignore-unknown', '--format', 'json', 'docker-compose.yml'], dir);
    expect(skipped.code).toBe(0);
    expect(findingsOf(skipped)).toEqual([]);
    const reported = run(['check', '--format', 'json', 'docker-compose.yml'], dir);
    expect(reported.code).toBe(1);
    expect(findingsOf(reported).map((f) => f.rule)).toContain('yaml/syntax');
  });

  it('io/unused-file can be turned off in the manifest', () => {
    const dir = project((d) => {
      writeFileSync(qa(d), 'server:\n  port: 8080\n');
      replaceIn(
        manifest(d),
        '    export/chunk-size: error',
        '    export/chunk-size: error\n    io/unused-file: off',
      );
    });
    const r = run(['check', '--format', 'json', 'config/envs/qa.yaml'], dir);
    expect(r.code).toBe(0);
    expect(findingsOf(r)).toEqual([]);
  });
});
