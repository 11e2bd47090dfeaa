/**
 * `exportctl deps` and the deps stage of `exportctl check`, through the built CLI on the
 * shipped examples; the DOT output is rendered by Graphviz's real `dot -Tsvg`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check-project.js';
import { BROKEN, EXAMPLE, REPO, runCli, tempDir } from '../helpers/cli.js';
import { requireExecutable } from '../helpers/prerequisites.js';

/** Graphviz's renderer; a clear error naming the package when it is missing. */
const dot = () => requireExecutable('dot', 'Graphviz (Debian: apt-get install graphviz)');

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface JsonResult {
  file: string;
  line: number;
  column: number;
  rule: string;
  env: string;
  message: string;
  path: string;
}

describe('check: the examples', () => {
  it('orders-export (inline pins, a requirements.txt with an include, a matrix) passes with exit 0', () => {
    const r = runCli(['check', '--format', 'json'], { cwd: EXAMPLE });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results).toEqual([]);
    // The stage reports what it read: the lockfile, its -r include and the matrix.
    const files = checkProject({ cwd: EXAMPLE }).files.map((f) => f.slice(EXAMPLE.length + 1));
    expect(files).toEqual(
      expect.arrayContaining(['requirements.txt', 'requirements-tools.txt', 'compat/ml.yaml']),
    );
    expect(out.summary.files).toBe(files.length);
  });

  it('broken shows each deps rule at the file and line that states the requirement', () => {
    const r = runCli(['check', '--format', 'json'], { cwd: BROKEN });
    expect(r.code).toBe(1);
    const deps = (JSON.parse(r.stdout).results as JsonResult[]).filter((x) => x.rule.startsWith('deps/'));
    const at = deps.map((x) => `${x.rule} ${x.env} ${x.file}:${x.line}:${x.column}`).sort();
    expect(at).toEqual([
      'deps/denied dev requirements.txt:6:1',
      'deps/denied prod requirements.txt:6:1',
      'deps/incompatible dev requirements.txt:5:1',
      'deps/incompatible prod requirements.txt:5:1',
      'deps/unpinned prod requirements.txt:4:1',
      'deps/unpinned prod requirements.txt:6:1',
      'deps/unpinned prod requirements.txt:7:1',
      'deps/unsatisfiable dev requirements.txt:4:1',
      'deps/unsatisfiable prod requirements.txt:4:1',
    ]);
    const unsat = deps.find((x) => x.rule === 'deps/unsatisfiable');
    expect(unsat?.message).toMatch(
      /tokenizers .*">=0\.14".*"<0\.14" of ">=0\.11\.1,!=0\.11\.3,<0\.14" \(required by transformers ==4\.30\.0 per compat\/ml\.yaml:8\)/,
    );
    expect(unsat?.path).toBe('dependencies.requirements.tokenizers');
    const lines = readFileSync(join(BROKEN, 'requirements.txt'), 'utf8').split('\n');
    expect(lines[3]).toMatch(/^tokenizers>=0\.14/);
    expect(lines[4]).toMatch(/^numpy==1\.24\.3/);
    expect(lines[5]).toMatch(/^protobuf>=3\.20\.3,<5/);
  });
});

describe('exportctl deps', () => {
  it('text: resolved constraints with their sources, per environment; exit 0 on the example', () => {
    const r = runCli(['deps', '--env', 'prod'], { cwd: EXAMPLE });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^prod \(pypi, protected\) {2}13 packages, no conflicts$/m);
    expect(r.stdout).toMatch(/^ {2}tokenizers +0\.13\.3 +==0\.13\.3 +requirement, config\/base\.yaml:77$/m);
    expect(r.stdout).toMatch(/^ +>=0\.11\.1,!=0\.11\.3,<0\.14 +by transformers, compat\/ml\.yaml:8$/m);
    expect(r.stdout).toMatch(/requirement if platform_machine != "arm64", requirements\.txt:22/);
    expect(r.stdout).toMatch(
      /^ {4}transformers → tokenizers >=0\.11\.1,!=0\.11\.3,<0\.14 {2}compat\/ml\.yaml:8$/m,
    );
    expect(r.stdout).not.toMatch(/dev \(pypi\)/);
  });

  it('json: packages, constraints, edges and conflicts; exit 1 when there are conflicts', () => {
    const r = runCli(['deps', '--format', 'json', '--project', BROKEN], { cwd: REPO });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.environments.map((e: { env: string }) => e.env)).toEqual(['dev', 'prod']);
    const prod = out.environments[1];
    expect(prod.files).toEqual(['examples/broken/requirements.txt', 'examples/broken/compat/ml.yaml']);
    const tokenizers = prod.packages.find((p: { name: string }) => p.name === 'tokenizers');
    expect(tokenizers).toMatchObject({
      pin: null,
      satisfiable: false,
      example: null,
      conflicts: ['deps/unsatisfiable'],
    });
    expect(tokenizers.constraints).toEqual([
      { range: '>=0.14', from: null, via: 'requirement', file: 'examples/broken/requirements.txt', line: 4 },
      {
        range: '>=0.11.1,!=0.11.3,<0.14',
        from: 'transformers',
        via: 'matrix',
        file: 'examples/broken/compat/ml.yaml',
        line: 8,
      },
    ]);
    const edge = prod.edges.find(
      (e: { from: string; to: string }) => e.from === 'transformers' && e.to === 'tokenizers',
    );
    expect(edge).toMatchObject({
      conflict: 'deps/unsatisfiable',
      via: 'matrix',
      range: '>=0.11.1,!=0.11.3,<0.14',
    });
    expect(prod.conflicts.map((c: { rule: string }) => c.rule).sort()).toEqual([
      'deps/denied',
      'deps/incompatible',
      'deps/unpinned',
      'deps/unpinned',
      'deps/unpinned',
      'deps/unsatisfiable',
    ]);
  });

  it('dot: Graphviz renders it (dot -Tsvg), conflicting edges in red', () => {
    const out = join(tmp.dir, 'broken.dot');
    const r = runCli(['deps', '--format', 'dot', '--output', out], { cwd: BROKEN });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const svg = spawnSync(dot(), ['-Tsvg', out], { encoding: 'utf8' });
    expect(svg.stderr).toBe('');
    expect(svg.status).toBe(0);
    expect(svg.stdout).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
    // Each cluster and node is in the picture; the unsatisfiable edge transformers → tokenizers is red.
    expect(svg.stdout).toContain('<title>cluster_prod</title>');
    expect(svg.stdout).toMatch(/<text[^>]*>tokenizers<\/text>/);
    // Each edge's markup runs up to the next graph element (tooltips nest <g> inside it).
    const edges = svg.stdout.split(/<g id="(?=edge|node|clust)/).filter((part) => part.startsWith('edge'));
    const clash = edges.filter((e) => e.includes('&gt;=0.11.1,!=0.11.3,&lt;0.14'));
    expect(clash).toHaveLength(2); // dev and prod
    for (const e of clash) expect(e).toMatch(/stroke="#cc0000"/);
    const fine = edges.filter((e) => e.includes('==4.30.0'));
    expect(fine.length).toBe(2);
    for (const e of fine) expect(e).not.toMatch(/#cc0000/);
  });

  it('dot of the consistent example renders with no red at all', () => {
    const r = runCli(['deps', '--format', 'dot'], { cwd: EXAMPLE });
    expect(r.code).toBe(0);
    const svg = spawnSync(dot(), ['-Tsvg'], { input: r.stdout, encoding: 'utf8' });
    expect(svg.status).toBe(0);
    expect(svg.stdout).toContain('<svg');
    expect(svg.stdout).not.toContain('#cc0000');
    expect(svg.stdout.match(/class="cluster"/g)).toHaveLength(3);
  });

  it('mermaid: a flowchart with one subgraph per environment and conflicting links styled', () => {
    const r = runCli(['deps', '--format', 'mermaid', '--env', 'dev'], { cwd: BROKEN });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(lines).toContain('  subgraph e0["dev (pypi)"]');
    const links = lines.filter((l) => /-->|-\.->/.test(l));
    const red = lines.find((l) => l.startsWith('  linkStyle '));
    const redIdx =
      red
        ?.match(/linkStyle ([\d,]+) /)?.[1]
        .split(',')
        .map(Number) ?? [];
    const conflicting = links.map((l, i) => (l.includes('✖') ? i : -1)).filter((i) => i >= 0);
    expect(redIdx).toEqual(conflicting);
    expect(conflicting.length).toBe(5);
    expect(links.some((l) => l.includes('"#gt;=0.11.1,!=0.11.3,#lt;0.14 ✖ deps/unsatisfiable"'))).toBe(true);
  });

  it('usage mistakes exit 2 without a stack trace', () => {
    const bad = runCli(['deps', '--format', 'svg'], { cwd: EXAMPLE });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown format "svg" \(choose text, json, dot, mermaid\)/);
    const env = runCli(['deps', '--env', 'qa'], { cwd: EXAMPLE });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/unknown environment "qa"/);
  });

  it('a matrix that cannot be used exits 2', () => {
    const t = tempDir();
    try {
      spawnSync('cp', ['-r', `${EXAMPLE}/.`, t.dir]);
      spawnSync('sh', ['-c', `printf 'kind: CompatibilityMatrix\\n' > ${join(t.dir, 'compat/ml.yaml')}`]);
      const r = runCli(['check'], { cwd: t.dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/compat\/ml\.yaml:1:1 {2}error {2}missing required field "apiVersion"/);
      expect(runCli(['deps'], { cwd: t.dir }).code).toBe(2);
    } finally {
      t.cleanup();
    }
  });
});

describe("exportctl deps follows the manifest's rule controls", () => {
  it('an override to warning and a waiver change the conflicts listed and the exit code', () => {
    const t = tempDir();
    try {
      spawnSync('cp', ['-r', `${BROKEN}/.`, t.dir]);
      const manifest = join(t.dir, 'exportctl.yaml');
      const text = readFileSync(manifest, 'utf8').replace(
        'waivers:\n',
        'waivers:\n  - { rule: deps/unsatisfiable, path: dependencies.requirements.tokenizers, reason: tracked upstream, expires: 9999-12-31 }\n  - { rule: deps/incompatible, reason: tracked upstream, expires: 9999-12-31 }\n  - { rule: deps/denied, reason: tracked upstream, expires: 9999-12-31 }\n',
      );
      writeFileSync(
        manifest,
        text.replace('  builtin: true\n', '  builtin: true\n  rules:\n    deps/unpinned: warning\n'),
      );
      const r = runCli(['deps', '--format', 'json'], { cwd: t.dir });
      const out = JSON.parse(r.stdout);
      const prod = out.environments.find((e: { env: string }) => e.env === 'prod');
      expect(
        prod.conflicts.map((c: { rule: string; severity: string }) => `${c.rule} ${c.severity}`),
      ).toEqual(['deps/unpinned warning', 'deps/unpinned warning', 'deps/unpinned warning']);
      expect(r.code).toBe(0);
      // The graph still shows the clash.
      expect(prod.edges.some((e: { conflict: string | null }) => e.conflict === 'deps/unsatisfiable')).toBe(
        true,
      );
    } finally {
      t.cleanup();
    }
  });
});
