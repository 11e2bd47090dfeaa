/**
 * Boots what the user data describes, as far as this machine allows: the packed exportctl
 * (`npm pack` of this checkout, laid out as `npm install --global --prefix /opt/exportctl`
 * would), the project bundle the stack ships unpacked by the user data's own unpack script,
 * then the systemd unit's ExecStart command line run from its WorkingDirectory — and
 * `/readyz` answers 200.
 *
 * Substitutions (no EC2, S3, Secrets Manager or RDS here): the tokens that fetch-secrets
 * would read from Secrets Manager come from the test's environment; the database is the
 * example's SQLite file (seeded) rather than the RDS PostgreSQL whose URL fetch-secrets would
 * build; `--port 0 --metrics-port 0` are appended so the test cannot collide with other
 * processes on this shared machine; paths under / are rebased into a temporary directory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { synthProject } from '../../src/synth/synth-project.js';
import { ensureBuilt } from '../helpers/build.js';
import { EXAMPLE, REPO, tempDir } from '../helpers/cli.js';
import { TOKENS, seededDb } from '../service/helpers.js';

const tmp = tempDir('exportctl-boot-');
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  tmp.cleanup();
});

describe('the unit of the user data, started locally', () => {
  it('installs the packed tarball and the shipped project, and serves /readyz', {
    timeout: 300_000,
  }, async () => {
    ensureBuilt();
    const { stacks } = await synthProject({ cwd: EXAMPLE, envs: ['prod'] });
    const tf = stacks[0].json as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const userData = Buffer.from(String(tf.resource.aws_launch_template.app.user_data), 'base64').toString();
    const files = (parse(userData) as { write_files: Array<{ path: string; content: string }> }).write_files;
    const file = (suffix: string) => files.find((f) => f.path.endsWith(suffix))!.content;
    const root = (p: string) => join(tmp.dir, 'root', p);

    // npm pack (dist/ is built above; --ignore-scripts skips `prepare`'s rebuild).
    const packDir = join(tmp.dir, 'pack');
    mkdirSync(packDir);
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
    // As `npm install --global --prefix /opt/exportctl` lays it out (dependencies: this checkout's).
    const pkg = root('opt/exportctl/lib/node_modules/exportctl');
    mkdirSync(pkg, { recursive: true });
    expect(spawnSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']).status).toBe(0);
    symlinkSync(join(REPO, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    mkdirSync(root('opt/exportctl/bin'), { recursive: true });
    symlinkSync(join(pkg, 'dist/bundle/exportctl.mjs'), root('opt/exportctl/bin/exportctl'));

    // The project object's content as S3 holds it (Terraform unescapes $${ and %%{).
    const content = String(tf.resource.aws_s3_object.project.content)
      .replace(/\$\$\{/g, '${')
      .replace(/%%\{/g, '%{');
    writeFileSync(join(tmp.dir, 'project.json'), content);
    writeFileSync(join(tmp.dir, 'unpack-project.mjs'), file('/unpack-project.mjs'));
    const unpack = spawnSync(
      process.execPath,
      [join(tmp.dir, 'unpack-project.mjs'), join(tmp.dir, 'project.json'), root('var/lib/exportctl/project')],
      { encoding: 'utf8' },
    );
    expect(unpack.status, unpack.stderr).toBe(0);
    const projectDir = root('var/lib/exportctl/project');
    mkdirSync(join(projectDir, 'data'));
    copyFileSync(seededDb(200), join(projectDir, 'data/orders-prod.db'));

    // ExecStart and WorkingDirectory of the unit, rebased into the temporary root.
    const unit = file('/exportctl.service');
    const execStart = /^ExecStart=(.*)$/m.exec(unit)![1].split(' ');
    const workDir = /^WorkingDirectory=(.*)$/m.exec(unit)![1];
    expect(execStart).toEqual(['/opt/exportctl/bin/exportctl', 'serve', '--env', 'prod']);
    child = spawn(
      root(execStart[0].slice(1)),
      [...execStart.slice(1), '--port', '0', '--metrics-port', '0'],
      {
        cwd: root(workDir.slice(1)),
        env: { PATH: process.env.PATH, HOME: tmp.dir, ...TOKENS },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const t0 = Date.now();
    let url: string | undefined;
    while (!url) {
      const m = /^.*"msg":"listening".*$/m.exec(log);
      if (m) url = (JSON.parse(m[0]) as { url: string }).url;
      else if (child.exitCode !== null || Date.now() - t0 > 120_000)
        throw new Error(`serve did not start (exit ${child.exitCode}):\n${log}`);
      else await new Promise((r) => setTimeout(r, 50));
    }
    const ready = await fetch(`${url}/readyz`);
    const body = await ready.text();
    expect(ready.status, body).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ ready: true, checks: { database: { ok: true } } });
    // The liveness path of the unit's timer is served too.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    for (const v of Object.values(TOKENS)) expect(log).not.toContain(v.split(':')[1].split(',')[0]);
  });
});
