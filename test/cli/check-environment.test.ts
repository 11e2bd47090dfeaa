/**
 * One rule, `checkEnvironment`: every command that needs a valid environment refuses a config
 * the schema rejects with the same code (CONFIG_INVALID, exit 1) and the schema's finding,
 * and does nothing else; a control that lowers an error lets all of them through alike.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEnvironment, checkEnvironments } from '../../src/check/check-environment.js';
import { refusalExitCode } from '../../src/cli/exit-codes.js';
import { loadRunningConfig } from '../../src/service/config.js';
import { synthProject } from '../../src/synth/synth-project.js';
import { ensureBuilt } from '../helpers/build.js';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import { type ExportProject, exportProject } from '../helpers/export-project.js';

type Obj = Record<string, unknown>;
const SCHEMA_FINDING = 'export.queue.capacity must be >= 1';
const TOKENS = { EXPORTCTL_TOKENS: 'alice:alice-token', EXPORTCTL_ADMIN_TOKENS: 'ops:ops-token' };

let tmp: string;
let db: string;
const projects: ExportProject[] = [];

function project(patch?: (base: Obj) => void): ExportProject {
  const p = exportProject(db);
  projects.push(p);
  if (patch) p.patchBase(patch);
  return p;
}

/** The schema rejects it; nothing else about the project changes. */
const schemaRejected = (b: Obj) => {
  (b.export as Obj).queue = { capacity: 0 };
};

beforeAll(() => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-checkenv-'));
  db = path.join(tmp, 'orders.db');
  const d = new Database(db);
  d.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL, updated_at TEXT)');
  d.close();
}, 120_000);
afterAll(() => {
  for (const p of projects) p.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a config the schema rejects', () => {
  it('is refused by checkEnvironment, the service, and synth with CONFIG_INVALID and the schema finding', async () => {
    const p = project(schemaRejected);
    const one = checkEnvironment({ cwd: p.dir, env: 'dev' });
    expect(one.ok).toBe(false);
    if (one.ok) return;
    expect(one.refusal).toMatchObject({
      code: 'CONFIG_INVALID',
      fatal: false,
      message: 'dev does not pass check',
    });
    expect(one.refusal.findings.map((f) => f.message)).toContain(SCHEMA_FINDING);
    expect(refusalExitCode(one.refusal)).toBe(1);

    const service = loadRunningConfig({ cwd: p.dir, env: 'dev', processEnv: TOKENS });
    expect(service.ok).toBe(false);
    if (!service.ok) expect(service.findings.map((f) => f.message)).toContain(SCHEMA_FINDING);

    const synth = await synthProject({ cwd: p.dir });
    expect(synth.refusal?.code).toBe('CONFIG_INVALID');
    expect(synth.stacks).toEqual([]);
  });

  it('every command that needs a valid environment refuses it: exit 1, the finding, nothing done', () => {
    const p = project(schemaRejected);
    const state = path.join(p.dir, 'state.json');
    fs.writeFileSync(state, JSON.stringify({ format_version: '1.0' }));
    const runs: Array<[string, string[]]> = [
      ['export', ['export', '--env', 'dev']],
      ['serve', ['serve', '--env', 'dev', '--port', '0', '--metrics-port', 'off']],
      ['synth', ['synth', '--out', 'synth.out']],
      ['plan', ['plan', '--env', 'dev', '--out', 'plan.out']],
      ['drift --state', ['drift', '--state', state, '--env', 'dev']],
      // Refused before any connection: nothing listens on port 9.
      ['drift --live', ['drift', '--live', 'http://127.0.0.1:9', '--env', 'dev']],
    ];
    for (const [name, args] of runs) {
      const r = runCli(args, { cwd: p.dir, env: { ...process.env, ...TOKENS, NO_COLOR: '1' } });
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stdout + r.stderr, name).toContain(SCHEMA_FINDING);
      expect(r.stdout + r.stderr, name).toContain('schema/invalid');
      expect(hasStackTrace(r.stdout + r.stderr), name).toBe(false);
    }
    for (const never of ['exports', 'synth.out', 'plan.out', '.exportctl']) {
      expect(fs.existsSync(path.join(p.dir, never)), never).toBe(false);
    }
  });

  it('print still shows it (that is how one looks at it), and says it does not pass check', () => {
    const p = project(schemaRejected);
    const r = runCli(['print', '--env', 'dev', '--format', 'json'], { cwd: p.dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).export.queue).toEqual({ capacity: 0 });
    expect(r.stderr).toMatch(
      /^exportctl: note: dev does not pass check \(\d+ errors?; `exportctl check --env dev` lists them\)\n$/,
    );
  });
});

describe('the refusal rule is check --env', () => {
  it('severity overrides and waivers decide, as in check', () => {
    // The example waives export/chunk-size (an error) in dev: dev passes.
    const waived = project();
    expect(checkEnvironment({ cwd: waived.dir, env: 'dev' }).ok).toBe(true);
    // Without the waiver the same config is refused...
    const manifest = (p: ExportProject) => path.join(p.dir, 'exportctl.yaml');
    const unwaived = project();
    const text = fs.readFileSync(manifest(unwaived), 'utf8');
    fs.writeFileSync(manifest(unwaived), text.replace(/\nwaivers:\n(?:[ #].*\n?)*/, '\n'));
    const refused = checkEnvironment({ cwd: unwaived.dir, env: 'dev' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.refusal.findings.some((f) => f.rule === 'export/chunk-size')).toBe(true);
    // ...and passes again when the manifest lowers the rule to a warning.
    fs.writeFileSync(
      manifest(unwaived),
      fs
        .readFileSync(manifest(unwaived), 'utf8')
        .replace('export/chunk-size: error', 'export/chunk-size: warning'),
    );
    const lowered = checkEnvironment({ cwd: unwaived.dir, env: 'dev' });
    expect(lowered.ok).toBe(true);
    if (lowered.ok) {
      expect(lowered.findings.some((f) => f.rule === 'export/chunk-size' && f.severity === 'warning')).toBe(
        true,
      );
      // The typed config carries the schema's defaults; the effective values stay as written.
      expect(lowered.environment.config.export.retry.attempts).toBeTypeOf('number');
      expect(lowered.environment.effective.values).not.toBe(lowered.environment.config);
    }
  });

  it('synth needs every environment valid: an error in staging refuses it', () => {
    const p = project();
    const staging = path.join(p.dir, 'config/envs/staging.yaml');
    fs.appendFileSync(staging, '\nprobes: { liveness: { path: "no slash" } }\n');
    expect(checkEnvironment({ cwd: p.dir, env: 'dev' }).ok).toBe(true);
    const all = checkEnvironments({ cwd: p.dir });
    expect(all.ok).toBe(false);
    if (!all.ok) expect(all.refusal.message).toBe('the project does not pass check');
  });
});
