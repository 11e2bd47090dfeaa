/**
 * Hostile and careless exports: targets the exporter must not write (the source database,
 * devices, FIFOs, sockets, directories, the project's own files, system directories) and
 * configs the runtime could not honour. Each case asserts the exit code, the error code or
 * finding, a message naming the path and why, and every file intact byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DURATION_MS } from '../../src/config/units.js';
import { ensureBuilt } from '../helpers/build.js';
import { REPO, hasStackTrace, runCli } from '../helpers/cli.js';
import { type ExportProject, exportProject } from '../helpers/export-project.js';

type Obj = Record<string, any>;
let work: string;
let db: string;
let project: ExportProject;

beforeAll(() => {
  ensureBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-adv-export-'));
  db = path.join(work, 'orders.db');
  execFileSync(process.execPath, [
    path.join(REPO, 'scripts', 'seed-example.mjs'),
    '--rows',
    '200',
    '--out',
    db,
  ]);
}, 60_000);
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});
afterEach(() => project?.cleanup());

/** sha256 of every regular file under `dirs`, by path; other entries by their mode. */
function snapshot(...dirs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    const lst = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!lst) return;
    // Symlinks are followed to regular files only (a link to /usr/lib is not walked).
    const st = lst.isSymbolicLink() ? fs.statSync(p, { throwIfNoEntry: false }) : lst;
    if (lst.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else if (st?.isFile()) out.set(p, createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    else out.set(p, `special:${lst.mode}`);
  };
  for (const d of dirs) walk(d);
  return out;
}

function exportIn(args: string[], env: Record<string, string> = {}) {
  return runCli(['export', '--env', 'dev', '--user', 'adv', ...args], {
    cwd: project.dir,
    env,
    timeout: 30_000,
  });
}

/** Runs `export --out target` and asserts a refusal that wrote nothing anywhere. */
function expectRefused(target: string, code: string, why: RegExp, named = target) {
  const before = snapshot(project.dir, work);
  const r = exportIn(['--out', target]);
  expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
  expect(r.stderr).toContain(`exportctl: ${code}: refusing to write `);
  expect(r.stderr).toContain(named);
  expect(r.stderr).toMatch(why);
  expect(r.stderr).toContain('nothing was written');
  expect(r.code).toBe(2);
  // Byte for byte: the database, the config, and no partial, manifest or state file appeared.
  expect(snapshot(project.dir, work)).toEqual(before);
  return r;
}

describe('export refuses targets it must not write', () => {
  it('the source database, through its own path, a ./x/../ spelling and a hard link', () => {
    project = exportProject(db);
    const dbSha = snapshot(db).get(db);
    expectRefused(
      'data/orders.db',
      'OUTPUT_IS_SOURCE',
      /it is the source database \(orders\.db\)/,
      'data/orders.db',
    );
    expectRefused('./data/../data/orders.db', 'OUTPUT_IS_SOURCE', /the source database/, 'orders.db');
    const hard = path.join(project.dir, 'copy.db');
    fs.linkSync(db, hard);
    expectRefused('copy.db', 'OUTPUT_IS_SOURCE', /the source database/, 'copy.db');
    expect(snapshot(db).get(db)).toBe(dbSha);
  });

  it("the source database's -wal, -shm and -journal files, existing or not", () => {
    project = exportProject(db);
    fs.writeFileSync(`${db}-wal`, 'wal bytes');
    expectRefused('data/orders.db-wal', 'OUTPUT_IS_SOURCE', /source database's -wal file/);
    expect(fs.readFileSync(`${db}-wal`, 'utf8')).toBe('wal bytes');
    fs.rmSync(`${db}-wal`);
    expectRefused(path.join(work, 'orders.db-shm'), 'OUTPUT_IS_SOURCE', /-shm file/);
    expectRefused(path.join(work, 'orders.db-journal'), 'OUTPUT_IS_SOURCE', /-journal file/);
    expect(fs.existsSync(path.join(work, 'orders.db-shm'))).toBe(false);
  });

  it('a directory (was DISK_FULL), a symlink to one, a FIFO and a socket', async () => {
    project = exportProject(db);
    const dir = path.join(project.dir, 'out');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'keep');
    const r = expectRefused('out', 'OUTPUT_NOT_A_FILE', /it is a directory, not a regular file/);
    expect(r.stderr).not.toContain('DISK_FULL');
    fs.symlinkSync(dir, path.join(project.dir, 'link'));
    expectRefused('link', 'OUTPUT_NOT_A_FILE', /symbolic link to a directory/);
    execFileSync('mkfifo', [path.join(project.dir, 'pipe')]);
    const t0 = performance.now();
    expectRefused('pipe', 'OUTPUT_NOT_A_FILE', /a FIFO \(named pipe\)/);
    expect(performance.now() - t0).toBeLessThan(20_000); // refused, not blocked on open()
    const sock = path.join(project.dir, 'sock');
    const server = net.createServer().listen(sock);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      expectRefused('sock', 'OUTPUT_NOT_A_FILE', /it is a socket/);
    } finally {
      server.close();
    }
  });

  it('a device: /dev/null stays a character device', () => {
    project = exportProject(db);
    expectRefused('/dev/null', 'OUTPUT_NOT_A_FILE', /it is a character device/);
    expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
    fs.symlinkSync('/dev/null', path.join(project.dir, 'null-link'));
    expectRefused('null-link', 'OUTPUT_NOT_A_FILE', /symbolic link to a character device/);
    expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it("the project's manifest, config, policies and state", () => {
    project = exportProject(db);
    // A first export creates the state directory to be protected.
    expect(exportIn(['--out', 'first.csv']).code).toBe(0);
    expectRefused('exportctl.yaml', 'OUTPUT_REFUSED', /it is the project manifest/);
    expectRefused('config/base.yaml', 'OUTPUT_REFUSED', /it is the base config/);
    expectRefused('config/envs/dev.yaml', 'OUTPUT_REFUSED', /it is the overlay of dev/);
    expectRefused('config/new.csv', 'OUTPUT_REFUSED', /inside the project's config directory \(config\)/);
    expectRefused('policies/x.csv', 'OUTPUT_REFUSED', /inside the project's policies \(policies\)/);
    expectRefused('.exportctl/state.db', 'OUTPUT_REFUSED', /it is the project's state store/);
    expectRefused('.exportctl/state.db-wal', 'OUTPUT_REFUSED', /it is the project's state store/);
    expectRefused(
      '.exportctl/x.csv',
      'OUTPUT_REFUSED',
      /inside the project's state directory \(.exportctl\)/,
    );
    // A hard link to the manifest is the manifest.
    fs.linkSync(path.join(project.dir, 'exportctl.yaml'), path.join(project.dir, 'm.yaml'));
    expectRefused('m.yaml', 'OUTPUT_REFUSED', /it is the project manifest/);
    // What check read for the project: the lockfile, its -r include, the compatibility matrix.
    for (const f of ['requirements.txt', 'requirements-tools.txt', 'compat/ml.yaml']) {
      expect(fs.existsSync(path.join(project.dir, f)), f).toBe(true);
      expectRefused(f, 'OUTPUT_REFUSED', /it is a file the project reads/);
    }
    fs.mkdirSync(path.join(project.dir, '.git'), { recursive: true });
    expectRefused('.git/config', 'OUTPUT_REFUSED', /inside the project's git repository/);
  });

  it('the export manifest beside the target may not land on a protected file either', () => {
    project = exportProject(db);
    // --out config/base.yaml is refused; so is a target whose `.manifest.json` is a directory.
    fs.mkdirSync(path.join(project.dir, 'x.csv.manifest.json'));
    expectRefused('x.csv', 'OUTPUT_NOT_A_FILE', /x\.csv\.manifest\.json: it is a directory/);
  });

  it('the output-path policy of export.output.dir: no system directory, also through a symlink', () => {
    project = exportProject(db);
    expectRefused(
      '/etc/exportctl-adv.csv',
      'OUTPUT_REFUSED',
      /system directory \/etc \(policy export\/output-path\)/,
    );
    expect(fs.existsSync('/etc/exportctl-adv.csv')).toBe(false);
    fs.symlinkSync('/usr/lib', path.join(project.dir, 'sys'));
    expectRefused('sys/exportctl-adv.csv', 'OUTPUT_REFUSED', /system directory \/usr/);
    expect(fs.existsSync('/usr/lib/exportctl-adv.csv')).toBe(false);
  });

  it('export.output.dir pointing into the config is refused at run time too', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      (b.export as Obj).output.dir = './config/out';
    });
    const before = snapshot(path.join(project.dir, 'config'));
    const r = exportIn([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /OUTPUT_REFUSED: refusing to write .*config\/out\/.* inside the project's config directory/,
    );
    expect(snapshot(path.join(project.dir, 'config'))).toEqual(before);
  });

  it('an ordinary target beside them still exports', () => {
    project = exportProject(db);
    const r = exportIn(['--out', 'ok.csv', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(200);
    expect(fs.readFileSync(path.join(project.dir, 'ok.csv'), 'utf8').split('\n')[0]).toMatch(/^id,customer/);
  });
});

describe('config the runtime cannot honour fails check, positioned', () => {
  function checkJson() {
    const r = runCli(['check', '--format', 'json'], { cwd: project.dir });
    expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
    return { code: r.code, results: JSON.parse(r.stdout).results as Obj[] };
  }
  function schemaFinding(results: Obj[], p: string) {
    return results.find((f) => f.rule === 'schema/invalid' && f.path === p);
  }

  it('export.timeout: 999h is a schema error, and export stops before any timer (no TimeoutOverflowWarning)', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      (b.export as Obj).timeout = '999h';
    });
    const { code, results } = checkJson();
    expect(code).toBe(1);
    const f = schemaFinding(results, 'export.timeout');
    expect(f).toMatchObject({ file: 'config/base.yaml', severity: 'error' });
    expect(f.line).toBeGreaterThan(1);
    expect(f.message).toContain('999h is longer than 596h31m23.647s');
    const r = exportIn([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing exported');
    expect(r.stderr).not.toMatch(/TimeoutOverflowWarning|TIMEOUT/);
  });

  it('the duration bound is exact and adds up compound durations', () => {
    // The schema's bound is the runtime's: one number, 2^31-1 ms.
    const schema = JSON.parse(
      fs.readFileSync(path.join(REPO, 'schemas', 'export-config.schema.json'), 'utf8'),
    );
    expect(schema.$defs.duration.maxDuration).toBe(MAX_DURATION_MS);
    expect(MAX_DURATION_MS).toBe(2 ** 31 - 1);
    project = exportProject(db);
    const setTimeoutIn = (v: string) => {
      project.patchBase((b) => {
        (b.database as Obj).statement_timeout = v;
      });
      return schemaFinding(checkJson().results, 'database.statement_timeout');
    };
    expect(setTimeoutIn('596h31m23s')).toBeUndefined();
    expect(setTimeoutIn('596h31m23.647s')).toBeUndefined();
    expect(setTimeoutIn('596h31m23.648s')).toBeDefined();
    expect(setTimeoutIn('596h31m24s')).toBeDefined();
    expect(setTimeoutIn('99999999999999999999999999h')).toBeDefined();
  });

  it('numbers: chunk_size 2^64, port 0 and 70000, pool sizes, a percentage above 100%', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      (b.export as Obj).chunk_size = 2 ** 64;
      (b.server as Obj).port = 70000;
      (b.database as Obj).pool.max_connections = 10_000_000;
      (b.export as Obj).limits.disk_usage_breaker = '100.5%';
      (b.export as Obj).queue.capacity = 2 ** 60;
    });
    const { code, results } = checkJson();
    expect(code).toBe(1);
    for (const p of [
      'export.chunk_size',
      'server.port',
      'database.pool.max_connections',
      'export.limits.disk_usage_breaker',
      'export.queue.capacity',
    ]) {
      const f = schemaFinding(results, p);
      expect(f, p).toBeDefined();
      expect(f.file).toBe('config/base.yaml');
      expect(f.line).toBeGreaterThan(1);
    }
    project.patchBase((b) => {
      (b.server as Obj).port = 0;
    });
    expect(schemaFinding(checkJson().results, 'server.port').message).toMatch(/>= 1/);
  });

  it('a malformed literal database URL fails check (database/url) without showing the URL', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      b.database = { driver: 'postgres', url: 'postgres://app:hunter2@db.internal:notaport/orders' };
    });
    const { code, results } = checkJson();
    expect(code).toBe(1);
    const f = results.find((x) => x.rule === 'database/url');
    expect(f).toMatchObject({ file: 'config/base.yaml', path: 'database.url', severity: 'error' });
    expect(f.message).toMatch(/is not a valid URL/);
    expect(JSON.stringify(results)).not.toContain('hunter2');
  });

  it('a malformed URL from a variable is CONFIG_INVALID at run time, not SOURCE_QUERY_FAILED', () => {
    project = exportProject(db);
    project.patchBase((b) => {
      (b.database as Obj).driver = 'postgres';
      (b.database as Obj).url = '${DATABASE_URL}';
    });
    for (const url of [
      'postgres://app:hun/ter2@db.internal:5432/orders', // an unencoded / in the password
      'postgres://app:hunter2@db.internal:99999/orders',
      'postgres://app:hunter2%zz@db.internal/orders',
      'mysql://app:hunter2@db.internal/orders',
    ]) {
      const before = snapshot(project.dir);
      const r = exportIn([], { DATABASE_URL: url });
      expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
      expect(r.stderr, url).toContain('exportctl: CONFIG_INVALID: database.url');
      expect(r.stderr).not.toContain('SOURCE_QUERY_FAILED');
      expect(r.stderr).not.toMatch(/hunter2|hun\/ter2|ter2/);
      expect(r.code).toBe(1);
      expect(snapshot(project.dir)).toEqual(before);
    }
  });
});
