/**
 * The HTTP API over real loopback HTTP, with the service started through the library API
 * (memory queue, SQLite state): auth, isolation, rate limit under concurrency, download,
 * metrics, limits, webhook, fallback, worker recycling and live drift.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check-project.js';
import { serviceStartExitCode } from '../../src/cli/exit-codes.js';
import { CLI } from '../helpers/cli.js';
import { jsonLineLogger } from '../../src/exporter/log.js';
import { liveDrift } from '../../src/service/live-drift.js';
import { type ExportService, ServiceStartError, startService } from '../../src/service/service.js';
import {
  ALICE,
  BOB,
  OPS,
  type ServiceProject,
  TOKENS,
  api,
  seededDb,
  serviceProject,
  sha256File,
  sourceSeenDown,
  waitForJob,
} from './helpers.js';

const ROWS = 5000;
const running: ExportService[] = [];
const projects: ServiceProject[] = [];
let logs = '';

async function start(
  devPatch: Record<string, unknown> = {},
  opts: Partial<Parameters<typeof startService>[0]> = {},
): Promise<{ svc: ExportService; project: ServiceProject }> {
  const project = serviceProject(seededDb(ROWS), devPatch);
  projects.push(project);
  const svc = await startService({
    cwd: project.dir,
    env: 'dev',
    port: 0,
    metricsPort: null,
    logger: jsonLineLogger((l) => {
      logs += l;
    }),
    ...opts,
    processEnv: { ...TOKENS, ...opts.processEnv },
  });
  running.push(svc);
  return { svc, project };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.drain()));
});
afterAll(() => {
  for (const p of projects) p.cleanup();
});

describe('auth and isolation', () => {
  it('401 without a token, 404 for another user, 403 on admin routes for users', async () => {
    const { svc } = await start();
    const none = await api(`${svc.url}/exports`, 'POST');
    expect(none.status).toBe(401);
    expect(none.json.error?.code).toBe('UNAUTHORIZED');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await api(`${svc.url}/exports`, 'POST', { authorization: 'Bearer nope' })).status).toBe(401);

    const created = await api(`${svc.url}/exports`, 'POST', ALICE);
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    expect(created.headers.get('location')).toBe(`/exports/${id}`);
    expect((await api(`${svc.url}/exports/${id}`, 'GET')).status).toBe(401);
    const bobSees = await api(`${svc.url}/exports/${id}`, 'GET', BOB);
    expect(bobSees.status).toBe(404);
    expect(bobSees.json.error?.code).toBe('NOT_FOUND');
    expect((await api(`${svc.url}/exports/${id}/download`, 'GET', BOB)).status).toBe(404);
    expect((await api(`${svc.url}/exports/${id}`, 'GET', ALICE)).status).toBe(200);
    expect((await api(`${svc.url}/exports/${id}`, 'GET', OPS)).status).toBe(200);

    for (const route of ['/admin/pause', '/admin/resume']) {
      expect((await api(`${svc.url}${route}`, 'POST')).status).toBe(401);
      const user = await api(`${svc.url}${route}`, 'POST', ALICE);
      expect(user.status).toBe(403);
      expect(user.json.error?.code).toBe('FORBIDDEN');
    }
    expect((await api(`${svc.url}/admin/pause`, 'POST', OPS)).json).toEqual({ paused: true });
    expect((await api(`${svc.url}/admin/resume`, 'POST', OPS)).json).toEqual({ paused: false });
    expect((await waitForJob(svc.url, id)).status).toBe('succeeded');
  });

  it('validates and bounds request bodies; unknown routes and methods answer JSON errors', async () => {
    const { svc } = await start();
    const bad = await api(`${svc.url}/exports`, 'POST', ALICE, { fulll: true });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe('BAD_REQUEST');
    expect((await api(`${svc.url}/exports`, 'POST', ALICE, { full: 'yes' })).status).toBe(400);
    expect((await api(`${svc.url}/exports`, 'POST', ALICE, '{not json')).status).toBe(400);
    expect((await api(`${svc.url}/exports`, 'POST', ALICE, [1])).status).toBe(400);
    const big = await api(`${svc.url}/exports`, 'POST', ALICE, { full: true, pad: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
    expect(big.json.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await api(`${svc.url}/nope`, 'GET', ALICE)).json.error?.code).toBe('NOT_FOUND');
    expect((await api(`${svc.url}/exports`, 'GET', ALICE)).status).toBe(405);
  });

  it('bounds request bodies by server.max_body', async () => {
    const { svc } = await start({ server: { max_body: '64B' } });
    expect(svc.config.service.maxBodyBytes).toBe(64);
    // 80 bytes: under the 16 KiB default, over the configured 64 B.
    const over = await api(`${svc.url}/exports`, 'POST', ALICE, { full: true, pad: 'x'.repeat(60) });
    expect(over.status).toBe(413);
    expect(over.json.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(over.json.error?.message).toContain('over 64 bytes');
    const within = await api(`${svc.url}/exports`, 'POST', ALICE, { full: true });
    expect(within.status).toBe(202);
    await waitForJob(svc.url, within.json.id as string);
  });
});

it('rate limit: exactly per_user_per_hour accepted under concurrent requests, then 429 with Retry-After', async () => {
  const { svc } = await start({ export: { limits: { per_user_per_hour: 5 } } });
  await api(`${svc.url}/admin/pause`, 'POST', OPS);
  const results = await Promise.all(
    Array.from({ length: 24 }, () => api(`${svc.url}/exports`, 'POST', ALICE, { full: true })),
  );
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 202)).toHaveLength(5);
  expect(statuses.filter((s) => s === 429)).toHaveLength(19);
  const refused = results.find((r) => r.status === 429)!;
  expect(refused.json.error?.code).toBe('RATE_LIMITED');
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(3000);
  expect(retryAfter).toBeLessThanOrEqual(3600);
  // Another user has their own budget.
  expect((await api(`${svc.url}/exports`, 'POST', BOB)).status).toBe(202);
  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  expect(metrics).toMatch(/export_failures_total\{code="RATE_LIMITED"\} 19/);
  expect(metrics).toMatch(/export_queue_length 6/);
});

it('download streams the finished file; the metrics scrape parses', async () => {
  const { svc } = await start();
  const early = await api(`${svc.url}/exports`, 'POST', ALICE, { full: true });
  const job = await waitForJob(svc.url, early.json.id as string);
  expect(job).toMatchObject({ status: 'succeeded', rows: ROWS });
  const res = await fetch(`${svc.url}${job.download}`, { headers: ALICE });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv');
  const body = Buffer.from(await res.arrayBuffer());
  const file = (await svc.jobs.get(job.id as string))!.file!;
  expect(body.equals(fs.readFileSync(file))).toBe(true);
  expect(res.headers.get('x-export-sha256')).toBe(sha256File(file));
  expect(job.sha256).toBe(sha256File(file));
  expect(body.toString('utf8').split('\n')[0]).toBe(
    'id,customer,city,amount,currency,status,note,created_at,updated_at',
  );

  const scrape = await fetch(`${svc.url}/metrics`);
  expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
  const families = parsePrometheus(await scrape.text());
  expect(families.get('export_queue_length')?.type).toBe('gauge');
  expect(families.get('export_duration_seconds')?.type).toBe('histogram');
  expect(families.get('export_rows_total')?.samples.get('export_rows_total')).toBe(ROWS);
  expect(families.get('export_jobs_total')?.samples.get('export_jobs_total{status="succeeded"}')).toBe(1);
  expect(families.get('export_duration_seconds')?.samples.get('export_duration_seconds_count')).toBe(1);
  expect(families.get('export_failures_total')?.type).toBe('counter');
});

/** A strict-enough reader of the Prometheus text format: every sample belongs to a TYPEd family. */
function parsePrometheus(text: string) {
  const families = new Map<string, { type: string; samples: Map<string, number> }>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP')) continue;
    const t = /^# TYPE (\w+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (t) {
      families.set(t[1], { type: t[2], samples: new Map() });
      continue;
    }
    const m = /^(\w+)(\{[^}]*\})? (-?[\d.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const fam = families.get(m[1].replace(/_(bucket|sum|count)$/, '')) ?? families.get(m[1]);
    if (!fam) throw new Error(`sample without a TYPE: ${line}`);
    fam.samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return families;
}

it('disk breaker: 503 for new jobs and /readyz fails while open', async () => {
  let usage = 0.5;
  const { svc } = await start({}, { diskUsage: () => usage });
  expect((await api(`${svc.url}/readyz`, 'GET')).status).toBe(200);
  usage = 0.97;
  const refused = await api(`${svc.url}/exports`, 'POST', ALICE);
  expect(refused.status).toBe(503);
  expect(refused.json.error?.code).toBe('DISK_BREAKER_OPEN');
  const ready = await api(`${svc.url}/readyz`, 'GET');
  expect(ready.status).toBe(503);
  expect(ready.json).toMatchObject({ ready: false, checks: { breaker: { ok: false } } });
  usage = 0.5;
  expect((await api(`${svc.url}/exports`, 'POST', ALICE)).status).toBe(202);
});

it('max_rows fails the job with ROW_LIMIT_EXCEEDED; several failures in a row recycle the worker', async () => {
  const { svc } = await start(
    { export: { workers: 1, limits: { max_rows: 100 } } },
    { recycleAfter: 3, recyclePauseMs: 50 },
  );
  const ids = [];
  for (let i = 0; i < 3; i++)
    ids.push((await api(`${svc.url}/exports`, 'POST', ALICE, { full: true })).json.id as string);
  for (const id of ids) {
    const job = await waitForJob(svc.url, id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'ROW_LIMIT_EXCEEDED' });
    expect(job.download).toBeUndefined();
  }
  const metrics = await (await fetch(`${svc.url}/metrics`)).text();
  expect(metrics).toMatch(/export_failures_total\{code="ROW_LIMIT_EXCEEDED"\} 3/);
  expect(metrics).toMatch(/export_worker_recycles_total 1/);
  expect(logs).toMatch(/failed 3 jobs in a row; recycling it/);
});

it('notifies the webhook on completion and failure, retrying a receiver that fails', async () => {
  const received: Array<Record<string, unknown>> = [];
  let calls = 0;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      calls++;
      // The first delivery fails: the notifier must retry.
      if (calls === 1) {
        res.writeHead(500).end();
        return;
      }
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    const { svc } = await start({}, { processEnv: { EXPORT_WEBHOOK_URL: hook } });
    const ok = (await api(`${svc.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
    await waitForJob(svc.url, ok);
    const t0 = Date.now();
    while (received.length < 1 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(2);
    expect(received[0]).toMatchObject({
      event: 'export.succeeded',
      id: ok,
      user: 'alice',
      rows: ROWS,
      status: 'succeeded',
    });
  } finally {
    receiver.close();
  }
});

describe('toggles.fallback while the source is down', () => {
  it("cache_first answers from the user's own newest completed export, marked stale", async () => {
    const { svc, project } = await start();
    const first = (await api(`${svc.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
    const done = await waitForJob(svc.url, first, ALICE);
    fs.renameSync(path.join(project.dir, 'data', 'orders.db'), path.join(project.dir, 'data', 'away.db'));
    await sourceSeenDown(svc.url);
    const r = await api(`${svc.url}/exports`, 'POST', ALICE);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      status: 'succeeded',
      stale: true,
      stale_from: first,
      user: 'alice',
      rows: ROWS,
    });
    expect(r.headers.get('warning')).toMatch(/^110/);
    const file = await fetch(`${svc.url}${r.json.download}`, { headers: ALICE });
    expect(file.headers.get('x-export-stale')).toBe('true');
    expect(file.headers.get('x-export-sha256')).toBe(done.sha256);
    expect((await file.arrayBuffer()).byteLength).toBe(done.bytes);
    expect((await api(`${svc.url}/readyz`, 'GET')).json).toMatchObject({
      checks: { database: { ok: false } },
    });
  });

  it('fail_fast answers 503 SOURCE_UNAVAILABLE', async () => {
    const { svc, project } = await start({ toggles: { fallback: { strategy: 'fail_fast' } } });
    fs.renameSync(path.join(project.dir, 'data', 'orders.db'), path.join(project.dir, 'data', 'away.db'));
    await sourceSeenDown(svc.url);
    const r = await api(`${svc.url}/exports`, 'POST', ALICE);
    expect(r.status).toBe(503);
    expect(r.json.error?.code).toBe('SOURCE_UNAVAILABLE');
  });
});

it('refuses to start on a config that fails check (exit 1 class) or without tokens', async () => {
  const project = serviceProject(seededDb(ROWS), { export: { chunk_size: 'lots' } });
  projects.push(project);
  const err = await startService({ cwd: project.dir, env: 'dev', port: 0, processEnv: TOKENS }).catch(
    (e) => e,
  );
  expect(err).toBeInstanceOf(ServiceStartError);
  expect(err.code).toBe('CONFIG_INVALID');
  expect(serviceStartExitCode(err.code)).toBe(1);
  expect(err.findings.map((f: { rule: string }) => f.rule)).toContain('schema/invalid');
  const good = serviceProject(seededDb(ROWS));
  projects.push(good);
  const noTokens = await startService({ cwd: good.dir, env: 'dev', port: 0, processEnv: {} }).catch((e) => e);
  expect(noTokens).toBeInstanceOf(ServiceStartError);
  expect(noTokens.code).toBe('NO_TOKENS');
  expect(serviceStartExitCode(noTokens.code)).toBe(2);
  expect(noTokens.message).toMatch(/EXPORTCTL_TOKENS/);
});

it('/config reports the digest and the redacted config; live drift compares it with the declared config', async () => {
  const { svc, project } = await start();
  expect((await api(`${svc.url}/config`, 'GET')).status).toBe(401);
  const cfg = await api(`${svc.url}/config`, 'GET', ALICE);
  expect(cfg.json.digest).toBe(svc.digest);
  expect(cfg.json).toMatchObject({ env: 'dev', config: { export: { chunk_size: 500 } } });

  const declared = () =>
    checkProject({ cwd: project.dir, envs: ['dev'], stages: [] }).projects[0].configs.find(
      (c) => c.env === 'dev',
    )!;
  expect(await liveDrift({ url: svc.url, config: declared(), token: 'alice-token' })).toEqual([]);
  project.patchDev({ export: { chunk_size: 1500 } });
  const findings = await liveDrift({ url: svc.url, config: declared(), token: 'alice-token' });
  expect(findings).toHaveLength(1);
  expect(findings[0]).toMatchObject({
    rule: 'drift/state',
    severity: 'error',
    path: 'export.chunk_size',
    env: 'dev',
  });
  expect(findings[0].message).toMatch(/runs export\.chunk_size = 500; dev declares 1500/);
  expect(findings[0].location?.file).toBe(path.join(project.dir, 'config', 'envs', 'dev.yaml'));
  await expect(liveDrift({ url: 'http://127.0.0.1:1', config: declared() })).rejects.toThrow(/cannot reach/);

  // The same through `exportctl drift --live` (asynchronously: the service runs in this process).
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'drift', ...args],
        { cwd: project.dir, env: { ...process.env, NO_COLOR: '1', EXPORTCTL_TOKEN: 'alice-token' } },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      );
    });
  const live = await cli(['--live', svc.url, '--env', 'dev', '--format', 'json']);
  expect(live.code).toBe(1);
  const results = JSON.parse(live.stdout).results;
  expect(results).toHaveLength(1);
  expect(results[0]).toMatchObject({
    rule: 'drift/state',
    path: 'export.chunk_size',
    file: 'config/envs/dev.yaml',
  });
  expect(live.stdout + live.stderr).not.toContain('alice-token');
  const down = await cli(['--live', 'http://127.0.0.1:1', '--env', 'dev']);
  expect(down.code).toBe(2);
  expect(down.stderr).toMatch(/cannot reach/);
});
