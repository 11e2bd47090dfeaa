/**
 * The library as a user gets it: `npm pack` of this checkout (dist/ as `npm test` built it),
 * extracted into an empty directory as node_modules/exportctl, its dependencies made
 * resolvable offline through a link to this checkout's node_modules. The example of
 * docs/api.md runs from the doc's own text against that package, through its name and
 * `exports` map, and a TypeScript consumer type-checks against the packed declarations.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { REPO, hasStackTrace, tempDir } from '../helpers/cli.js';

const API_DOC = join(REPO, 'docs', 'api.md');

/** The body of the one fenced block whose info string is `js <name>`. */
function docExample(markdown: string, name: string): string {
  const blocks = [...markdown.matchAll(/^```js (\S+)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === name);
  expect(blocks.length, `docs/api.md has exactly one \`\`\`js ${name} block`).toBe(1);
  return blocks[0][2];
}

/** The fenced block right after "It prints": the output the doc promises, `…` eliding text. */
function docOutput(markdown: string): string[] {
  const m = /It prints[^\n]*\n\n```\n([\s\S]*?)^```$/m.exec(markdown);
  expect(m, 'docs/api.md shows the example output after "It prints"').not.toBeNull();
  return (m as RegExpExecArray)[1].split('\n').filter((l) => l !== '');
}

function lineMatcher(line: string): RegExp {
  const parts = line.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

let work: { dir: string; cleanup: () => void };
let app: string;
let packed: string[];
let pkgDir: string;

beforeAll(() => {
  ensureBuilt();
  work = tempDir('exportctl-packed-');
  const t0 = performance.now();
  // --ignore-scripts: dist/ is already built (npm test builds first); `prepare` would rebuild it.
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work.dir], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false' },
  });
  expect(pack.status, pack.stderr).toBe(0);
  const info = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = info[0].files.map((f) => f.path);
  const tarball = join(work.dir, info[0].filename);
  expect(existsSync(tarball), tarball).toBe(true);

  // node_modules/exportctl as `npm install` would lay it out, without the network.
  const modules = join(work.dir, 'node_modules');
  mkdirSync(modules);
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', modules], { encoding: 'utf8' });
  expect(untar.status, untar.stderr).toBe(0);
  pkgDir = join(modules, 'exportctl');
  const moved = spawnSync('mv', [join(modules, 'package'), pkgDir], { encoding: 'utf8' });
  expect(moved.status, moved.stderr).toBe(0);
  symlinkSync(join(REPO, 'node_modules'), join(pkgDir, 'node_modules'), 'dir');

  // The user's directory: the packed examples, and the doc's example script.
  app = join(work.dir, 'app');
  mkdirSync(app);
  cpSync(join(pkgDir, 'examples'), join(app, 'examples'), { recursive: true });
  expect(performance.now() - t0).toBeLessThan(60_000);
});

afterAll(() => work?.cleanup());

describe('the packed package', () => {
  it('holds the library, its declarations, the CLI and the data it reads; nothing of the tests', () => {
    for (const f of [
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/bundle/exportctl.mjs',
      'schemas/export-config.schema.json',
      'policies/compiled/builtin-packs.json',
      'docs/api.md',
      'docs/reference.md',
      'examples/orders-export/exportctl.yaml',
    ]) {
      expect(packed, f).toContain(f);
    }
    expect(
      packed.filter((f) => /^(test|bench|scripts|src)\//.test(f) || /\.test\.|(^|\/)\.exportctl\//.test(f)),
    ).toEqual([]);
    expect(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(manifest.bin).toEqual({ exportctl: 'dist/bundle/exportctl.mjs' });
  });

  it('leaves out what running the examples writes (`npm run demo`: the database, exports, state)', () => {
    const checkout = join(work.dir, 'checkout');
    mkdirSync(checkout);
    cpSync(join(REPO, 'package.json'), join(checkout, 'package.json'));
    cpSync(join(REPO, 'examples'), join(checkout, 'examples'), { recursive: true });
    const runtime = [
      'data/orders.db',
      'exports/orders-export-dev-1.csv',
      '.exportctl/state.db',
      'cdktf.out/manifest.json',
    ];
    for (const f of runtime) {
      const p = join(checkout, 'examples', 'orders-export', f);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, 'written at run time');
    }
    const dry = spawnSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
      cwd: checkout,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, npm_config_offline: 'true' },
    });
    expect(dry.status, dry.stderr).toBe(0);
    const files = (JSON.parse(dry.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map(
      (f) => f.path,
    );
    expect(files).toContain('examples/orders-export/config/base.yaml');
    expect(files).toContain('examples/orders-export/policies/team-rules.yaml');
    expect(files.filter((f) => runtime.some((r) => f.endsWith(r)))).toEqual([]);
  });

  it('resolves `exportctl` to the packed package through its exports map', () => {
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('exportctl'))"],
      { cwd: app, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(realpathSync(new URL(r.stdout.trim()).pathname)).toBe(
      realpathSync(join(pkgDir, 'dist', 'index.js')),
    );
    // The JSON Schemas are exported for tools that resolve them by package name.
    const schema = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "console.log(import.meta.resolve('exportctl/schemas/project.schema.json'))",
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(schema.status, schema.stderr).toBe(0);
    expect(realpathSync(new URL(schema.stdout.trim()).pathname)).toBe(
      realpathSync(join(pkgDir, 'schemas', 'project.schema.json')),
    );
    // Only the entry point is exported: deep imports of the build's modules are refused.
    const deep = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "import('exportctl/dist/check/check-project.js')"],
      { cwd: app, encoding: 'utf8' },
    );
    expect(deep.status).not.toBe(0);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it("runs docs/api.md's example and prints what the doc says", () => {
    const doc = readFileSync(API_DOC, 'utf8');
    writeFileSync(join(app, 'example.mjs'), docExample(doc, 'example.mjs'));
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(hasStackTrace(r.stdout)).toBe(false);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('orders-export: 0 errors, 0 warnings, 9 files');
    expect(lines).toContain('dev export.chunk_size = 500 (config/envs/dev.yaml:6)');
    expect(lines.find((l) => l.startsWith('broken: '))).toMatch(
      /^broken: \{"errors":[1-9]\d*,"warnings":\d+,"files":\d+\}$/,
    );
    expect(
      lines.filter((l) => / error [a-z]+\/[a-z-]+ \[/.test(l) && l.startsWith('examples/broken/')),
    ).toHaveLength(3);
    expect(lines.at(-1)).toMatch(
      /^synth orders-export-dev: \d+ resources \(.*aws_db_instance.*aws_s3_bucket.*\)$/,
    );
    // Every line of the output shown in the doc is printed, in order.
    let at = 0;
    for (const expected of docOutput(doc)) {
      const re = lineMatcher(expected);
      const found = lines.findIndex((l, i) => i >= at && re.test(l));
      expect(
        found,
        `docs/api.md shows "${expected}"; the example printed:\n${r.stdout}`,
      ).toBeGreaterThanOrEqual(at);
      at = found + 1;
    }
  });

  it("runs docs/api.md's export example: the packed exporter writes the file and its manifest", () => {
    const project = join(app, 'examples', 'orders-export');
    const seed = spawnSync(
      process.execPath,
      [
        join(REPO, 'scripts', 'seed-example.mjs'),
        '--rows',
        '200',
        '--out',
        join(project, 'data', 'orders.db'),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(seed.status, seed.stderr).toBe(0);
    writeFileSync(join(project, 'export.mjs'), docExample(readFileSync(API_DOC, 'utf8'), 'export.mjs'));
    const env = { ...process.env };
    delete env.DATABASE_URL; // the example's base falls back to its SQLite file
    const r = spawnSync(process.execPath, ['export.mjs'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
      env,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
    const [exported, manifestLine] = r.stdout.trimEnd().split('\n');
    const m = /^exported 200 rows to (exports\/orders-export-dev-\S+\.csv)$/.exec(exported);
    expect(m, r.stdout).not.toBeNull();
    const file = join(project, (m as RegExpExecArray)[1]);
    const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({ rows: 200, env: 'dev', format: 'csv' });
    expect(manifestLine).toBe(`manifest ${m?.[1]}.manifest.json, sha256 ${manifest.sha256}`);
    // The file is what its manifest says it is.
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(manifest.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.sha256);
    // The logger's JSON lines on stderr, none an error.
    const logs = r.stderr
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('declares only types a consumer has: node built-ins and runtime dependencies that ship types', () => {
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const seen = new Set<string>();
    const bare = new Map<string, string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      expect(existsSync(file), `${file} is declared but not packed`).toBe(true);
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        if (m[1].startsWith('.')) visit(join(dirname(file), m[1].replace(/\.js$/, '.d.ts')));
        else bare.set(m[1], relative(pkgDir, file));
      }
    };
    visit(join(pkgDir, 'dist', 'index.d.ts'));
    expect(seen.size).toBeGreaterThan(20);
    for (const [spec, from] of bare) {
      if (spec.startsWith('node:')) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      expect(manifest.dependencies, `${from} imports ${spec}`).toHaveProperty([name]);
      const dep = JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8'));
      expect(
        dep.types ?? dep.typings ?? dep.exports?.['.']?.types,
        `${name} ships its own types`,
      ).toBeTruthy();
    }
  });

  // tsc takes ~8 s on an idle machine, several times that beside the rest of the suite.
  it('type-checks a strict TypeScript consumer against the packed declarations', { timeout: 180_000 }, () => {
    writeFileSync(
      join(app, 'consumer.ts'),
      `import {
  type CheckResult,
  type EffectiveConfig,
  type ExportResult,
  type Finding,
  type RunExportOptions,
  ExportError,
  ServiceStartError,
  UsageError,
  checkProject,
  runExport,
  startService,
  synthProject,
} from 'exportctl';

const result: CheckResult = checkProject({ paths: ['examples/orders-export'] });
const first: Finding | undefined = result.findings[0];
const line: number | undefined = first?.location?.line;
const dev: EffectiveConfig | undefined = result.projects[0]?.configs.find((c) => c.env === 'dev');
export async function demo(options: RunExportOptions): Promise<number> {
  const synth = await synthProject({ cwd: '.', envs: ['dev'] });
  const exported: ExportResult = await runExport(options);
  const service = await startService({ env: 'dev', port: 0 });
  await service.drain();
  return exported.rows + synth.stacks.length + (line ?? 0) + (dev ? 1 : 0);
}
export function codeOf(err: unknown): string | undefined {
  if (err instanceof ExportError) return err.code;
  if (err instanceof ServiceStartError) return err.code;
  if (err instanceof UsageError) return 'usage';
  return undefined;
}
// The declarations are precise, not \`any\`: each of these is a type error.
// @ts-expect-error paths is a list of strings
checkProject({ paths: 1 });
// @ts-expect-error rows is a number
export const rows: string = ({} as ExportResult).rows;
// @ts-expect-error runExport needs the config values and the project root
void runExport({ env: 'dev' });
`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          // The declarations' own imports are checked above; checking every .d.ts of
          // @types/node as well would triple the time.
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(REPO, 'node_modules', '@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(join(app, 'package.json'), '{"type":"module","private":true}\n');
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
