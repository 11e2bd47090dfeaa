/**
 * `serve` refusing to start, through the CLI: a port in use and missing tokens are
 * configuration problems (exit 2, a clear message, no stack trace), as the README's
 * exit-code table says; a config that fails `check` stays exit 1.
 */
import * as net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { runCli } from '../helpers/cli.js';
import { type ServiceProject, TOKENS, seededDb, serviceProject } from './helpers.js';

const projects: ServiceProject[] = [];
let project: ServiceProject;

beforeAll(() => {
  ensureBuilt();
  project = serviceProject(seededDb(100));
  projects.push(project);
}, 120_000);
afterAll(() => {
  for (const p of projects) p.cleanup();
});

const serve = (args: string[], env: NodeJS.ProcessEnv) =>
  runCli(['serve', '--env', 'dev', '--metrics-port', 'off', ...args], { cwd: project.dir, env });

it('exits 2 with a clear message when its port is taken', async () => {
  const taken = net.createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as net.AddressInfo).port;
  try {
    const r = serve(['--port', String(port)], TOKENS);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
    expect(r.stderr).toMatch(/not serving\n$/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  } finally {
    taken.close();
  }
});

it('exits 2 naming the variables when no token is set', () => {
  const r = serve(['--port', '0'], { EXPORTCTL_TOKENS: '', EXPORTCTL_ADMIN_TOKENS: '' });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain('no token in EXPORTCTL_TOKENS or EXPORTCTL_ADMIN_TOKENS');
  expect(r.stderr).not.toMatch(/^\s+at /m);
});

it('exits 1 when the config fails check', () => {
  const broken = serviceProject(seededDb(100), { export: { chunk_size: 'lots' } });
  projects.push(broken);
  const r = runCli(['serve', '--env', 'dev', '--port', '0', '--metrics-port', 'off'], {
    cwd: broken.dir,
    env: TOKENS,
  });
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/schema\/invalid/);
});
