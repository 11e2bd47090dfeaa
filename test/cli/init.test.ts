import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const SCAFFOLD: Record<string, string> = {
  'exportctl.yaml': 'project.schema.json',
  'config/base.yaml': 'export-config.schema.json',
  'config/envs/dev.yaml': 'export-config-overlay.schema.json',
  'config/envs/staging.yaml': 'export-config-overlay.schema.json',
  'config/envs/prod.yaml': 'export-config-overlay.schema.json',
  'policies/team.yaml': 'policy-pack.schema.json',
};

const MODELINE = /^# yaml-language-server: \$schema=(\S+)\n/;

/** The schema file a scaffolded file's modeline points at, resolved as the YAML language server does. */
function headerTarget(file: string): string {
  const m = MODELINE.exec(readFileSync(file, 'utf8'));
  expect(m, `${file} starts with a yaml-language-server modeline`).not.toBeNull();
  return resolve(dirname(file), m![1]);
}

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

describe('exportctl init', () => {
  it('scaffolds a project that passes check', () => {
    const dir = join(tmp.dir, 'Orders Export');
    const r = runCli(['init', dir]);
    expect(r.code).toBe(0);
    for (const f of Object.keys(SCAFFOLD)) expect(r.stdout).toContain(`  ${f}\n`);
    expect(filesUnder(dir).sort()).toEqual([...Object.keys(SCAFFOLD), '.gitignore'].sort());
    expect(parse(readFileSync(join(dir, 'exportctl.yaml'), 'utf8')).name).toBe('orders-export');

    const check = runCli(['check'], { cwd: dir });
    expect(check.stderr).toBe('');
    expect(check.stdout).toMatch(/no problems \(\d+ files, 3 environments\)/);
    expect(check.code).toBe(0);
    const json = runCli(['check', '--format', 'json', '--max-warnings', '0'], { cwd: dir });
    expect(JSON.parse(json.stdout).results).toEqual([]);
    expect(json.code).toBe(0);
  });

  it("headers resolve to the shipped schemas, and each file is valid against its header's schema", () => {
    const dir = join(tmp.dir, 'headers');
    const r = runCli(['init', dir]);
    expect(r.code).toBe(0);
    // No installation under node_modules above the project: the running exportctl's schemas, said so.
    expect(r.stderr).toMatch(/resolves on this machine only/);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv as never);
    for (const [file, schema] of Object.entries(SCAFFOLD)) {
      const target = headerTarget(join(dir, file));
      expect(target).toBe(join(REPO, 'schemas', schema));
      expect(existsSync(target)).toBe(true);
      const validate =
        ajv.getSchema(target) ?? ajv.compile({ ...JSON.parse(readFileSync(target, 'utf8')), $id: target });
      const ok = validate(parse(readFileSync(join(dir, file), 'utf8')));
      expect(validate.errors ?? [], file).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('points headers at node_modules/exportctl/schemas when exportctl is installed above the project', () => {
    const ws = join(tmp.dir, 'workspace');
    const installed = join(ws, 'node_modules', 'exportctl');
    mkdirSync(installed, { recursive: true });
    cpSync(join(REPO, 'schemas'), join(installed, 'schemas'), { recursive: true });
    cpSync(join(REPO, 'package.json'), join(installed, 'package.json'));
    const r = runCli(['init', 'services/orders'], { cwd: ws });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Next: cd services/orders && npx exportctl check\n');
    const proj = join(ws, 'services', 'orders');
    expect(readFileSync(join(proj, 'exportctl.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/node_modules\/exportctl\/schemas\/project\.schema\.json\n/,
    );
    expect(readFileSync(join(proj, 'config/envs/prod.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/\.\.\/\.\.\/\.\.\/node_modules\/exportctl\/schemas\/export-config-overlay\.schema\.json\n/,
    );
    for (const [file, schema] of Object.entries(SCAFFOLD)) {
      expect(headerTarget(join(proj, file))).toBe(join(installed, 'schemas', schema));
    }
  });

  it('refuses to overwrite existing files (exit 2) unless --force', () => {
    const dir = join(tmp.dir, 'again');
    expect(runCli(['init', dir]).code).toBe(0);
    const base = join(dir, 'config/base.yaml');
    writeFileSync(base, 'edited: true\n');
    const r = runCli(['init', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^exportctl: refusing to overwrite existing files in .*: exportctl\.yaml, config\/base\.yaml/,
    );
    expect(r.stderr).toContain('--force');
    expect(readFileSync(base, 'utf8')).toBe('edited: true\n');

    const forced = runCli(['init', '--force', dir]);
    expect(forced.code).toBe(0);
    expect(readFileSync(base, 'utf8')).toMatch(/kind: ExportConfig/);
    expect(runCli(['check'], { cwd: dir }).code).toBe(0);
  });

  it('refuses a directory that already holds another manifest, a bad name, or a file as DIR', () => {
    const dir = join(tmp.dir, 'json-project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'exportctl.json'), '{}');
    const r = runCli(['init', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exportctl.json');
    expect(existsSync(join(dir, 'exportctl.yaml'))).toBe(false);

    const bad = runCli(['init', '--name', 'Not Valid', join(tmp.dir, 'named')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--name "Not Valid"/);
    expect(existsSync(join(tmp.dir, 'named'))).toBe(false);

    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, '');
    const notDir = runCli(['init', file]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(/not a directory/);
  });
});
