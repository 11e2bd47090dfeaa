/**
 * `serve` against a hostile or careless operator and a burst of users:
 * - reloads that cannot be used (the environment removed from the manifest, the manifest moved
 *   away, `tokens_env` renamed to an unset variable) are refused: the process stays up, a
 *   running job completes, each refusal is one structured log line and a metric;
 * - `cache_first` never answers one user with another user's export (memory and Redis stores);
 * - 200 concurrent `POST /exports` against a real PostgreSQL with max_connections = 20 get
 *   202/429 (never 500), the source checks hold one connection, and the healthy source is
 *   never taken for down.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { jsonLineLogger } from '../../src/exporter/log.js';
import { type ExportService, startService } from '../../src/service/service.js';
import { ensureBuilt } from '../helpers/build.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';
import {
  ALICE,
  BOB,
  type ServeProcess,
  type ServiceProject,
  TOKENS,
  api,
  seededDb,
  serviceProject,
  sourceSeenDown,
  spawnServe,
  waitForJob,
  waitForPartial,
} from '../service/helpers.js';

const projects: ServiceProject[] = [];
const procs: ServeProcess[] = [];
const running: ExportService[] = [];
let postgres: PostgresServer | undefined;
let redis: RedisServer | undefined;

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.drain()));
});
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  postgres?.stop();
  await redis?.stop();
  for (const p of projects) p.cleanup();
});

const metric = (text: string, name: string) => {
  const m = new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

describe('a reload never stops the service', () => {
  it('refuses a removed environment, a moved manifest and a token lock-out; the running job completes', async () => {
    ensureBuilt();
    const ROWS = 250_000;
    const project = serviceProject(seededDb(ROWS));
    projects.push(project);
    const s = await spawnServe(project.dir);
    procs.push(s);
    const manifest = path.join(project.dir, 'exportctl.yaml');
    const manifestText = fs.readFileSync(manifest, 'utf8');
    const id = (await api(`${s.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
    await waitForPartial(project.outDir, 1);
    let refusals = 0;
    const refused = async (reason: string) => {
      refusals++;
      s.child.kill('SIGHUP');
      const t0 = Date.now();
      for (;;) {
        const lines = s.logs().match(/^.*"code":"CONFIG_RELOAD_REFUSED".*$/gm) ?? [];
        if (lines.length >= refusals) {
          const line = JSON.parse(lines[refusals - 1]) as Record<string, unknown>;
          expect(line.reason).toBe(reason);
          return line;
        }
        if (s.child.exitCode !== null || Date.now() - t0 > 30_000)
          throw new Error(`no refusal #${refusals} (exit ${s.child.exitCode}):\n${s.logs()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    // 1. The running environment removed from the manifest.
    fs.writeFileSync(manifest, manifestText.replace(/^ {2}dev: .*$/m, ''));
    const gone = await refused('load');
    expect(gone).toMatchObject({ level: 'error', reason: 'load' });
    expect(gone.error).toMatch(/unknown environment "dev"/);
    const jobDuringReloads = (await api(`${s.url}/exports/${id}`, 'GET', ALICE)).json.status;

    // 2. The manifest moved away.
    fs.renameSync(manifest, `${manifest}.away`);
    expect(await refused('load')).toMatchObject({
      reason: 'load',
      error: expect.stringMatching(/no exportctl\.yaml/),
    });
    fs.renameSync(`${manifest}.away`, manifest);
    fs.writeFileSync(manifest, manifestText);

    // 3. tokens_env renamed to a variable that is not set: every user would be locked out.
    const dev = project.readDev();
    project.patchDev({ server: { auth: { tokens_env: 'EXPORTCTL_TOKENS_NOT_SET' } } });
    expect(await refused('lockout')).toMatchObject({
      reason: 'lockout',
      error: expect.stringMatching(/EXPORTCTL_TOKENS_NOT_SET.*every user would be locked out/),
    });
    project.writeDev(dev);

    // 4. server.auth removed altogether: the API would stop asking anyone for a token.
    project.patchDev({ server: { auth: null } });
    expect(await refused('auth_removed')).toMatchObject({
      reason: 'auth_removed',
      error: expect.stringMatching(/server\.auth is gone/),
    });
    project.writeDev(dev);

    // Still alive, still the same users, and the job that was running finishes whole.
    expect(s.child.exitCode).toBeNull();
    expect((await api(`${s.url}/healthz`, 'GET')).status).toBe(200);
    const job = await waitForJob(s.url, id, ALICE, 120_000);
    expect(job).toMatchObject({ status: 'succeeded', rows: ROWS, attempts: 1 });
    // The job was running when the first refusal happened (else this test proves less).
    expect(jobDuringReloads).toBe('running');
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metric(metrics, 'exportctl_config_reload_failures_total{reason="load"}')).toBe(2);
    expect(metric(metrics, 'exportctl_config_reload_failures_total{reason="lockout"}')).toBe(1);
    expect(metric(metrics, 'exportctl_config_reload_failures_total{reason="auth_removed"}')).toBe(1);
    expect(metric(metrics, 'exportctl_config_reloads_total')).toBe(0);

    // A usable config is still taken afterwards.
    project.writeDev(dev.replace('chunk_size: 500', 'chunk_size: 1500'));
    s.child.kill('SIGHUP');
    await s.waitForLog(/"msg":"config reloaded"/);
    const after = await (await fetch(`${s.url}/metrics`)).text();
    expect(metric(after, 'exportctl_config_reloads_total')).toBe(1);
    expect(metric(after, 'exportctl_config_last_reload_success_timestamp_seconds')).toBeGreaterThan(0);
    // One structured line per refusal, no stack trace anywhere.
    expect(s.logs()).not.toMatch(/^\s+at /m);
    for (const line of s.logs().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 180_000);
});

async function start(project: ServiceProject, processEnv: NodeJS.ProcessEnv = {}): Promise<ExportService> {
  const svc = await startService({
    cwd: project.dir,
    env: 'dev',
    port: 0,
    metricsPort: null,
    logger: jsonLineLogger((l) => {
      if (process.env.DEBUG_SVC) process.stderr.write(l);
    }),
    processEnv: { ...TOKENS, ...processEnv },
  });
  running.push(svc);
  return svc;
}

/** Every header and body of a response, as text. */
async function everything(res: Response): Promise<string> {
  return `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.text()}`;
}

describe.each(['memory', 'redis'] as const)('cache_first never crosses users (%s queue)', (backend) => {
  it("answers each user from their own export only; one without an export gets 503 and nothing of another's", async () => {
    let env: NodeJS.ProcessEnv = {};
    if (backend === 'redis') {
      redis ??= await startRedis();
      env = { QUEUE_REDIS_URL: `${redis.url}/2` };
    }
    const project = serviceProject(
      seededDb(3000),
      backend === 'redis' ? { queue: { backend: 'redis', url: '${QUEUE_REDIS_URL}' } } : {},
    );
    projects.push(project);
    const svc = await start(project, env);
    const aliceJob = (await api(`${svc.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
    const alice = await waitForJob(svc.url, aliceJob, ALICE);
    const aliceFile = path.basename(
      (await fetch(`${svc.url}${alice.download}`, { headers: ALICE })).headers
        .get('content-disposition')!
        .replace(/^.*filename="([^"]+)".*$/, '$1'),
    );
    expect(aliceFile).toContain(aliceJob);
    fs.renameSync(path.join(project.dir, 'data', 'orders.db'), path.join(project.dir, 'data', 'away.db'));
    await sourceSeenDown(svc.url);

    // bob has no export of his own: 503, and neither alice's id nor her file anywhere.
    const bobAnswer = await fetch(`${svc.url}/exports`, {
      method: 'POST',
      headers: { ...BOB, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bobAnswer.status).toBe(503);
    const bobText = await everything(bobAnswer);
    expect(bobText).toMatch(/SOURCE_UNAVAILABLE/);
    expect(bobText).not.toContain(aliceJob);
    expect(bobText).not.toContain(aliceFile);
    expect(bobText).not.toContain('alice');

    // alice gets her own, marked stale; its download is her file.
    const mine = await api(`${svc.url}/exports`, 'POST', ALICE);
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ user: 'alice', stale: true, stale_from: aliceJob });
    const dl = await fetch(`${svc.url}${mine.json.download}`, { headers: ALICE });
    expect(dl.headers.get('content-disposition')).toContain(aliceFile);
    expect(dl.headers.get('x-export-sha256')).toBe(alice.sha256);
    await dl.arrayBuffer();
    // bob cannot reach alice's stale answer either.
    expect((await api(`${svc.url}/exports/${mine.json.id}`, 'GET', BOB)).status).toBe(404);
    expect((await api(`${svc.url}/exports/${mine.json.id}/download`, 'GET', BOB)).status).toBe(404);
  });
});

describe('a burst of 200 requests on PostgreSQL with max_connections = 20', () => {
  it('answers 202/429, never 500 or a stale answer; source checks hold at most one connection', async () => {
    postgres = await startPostgres({ settings: { max_connections: 20 } });
    expect(postgres.psql('SHOW max_connections').trim()).toBe('20');
    postgres.psql(`CREATE TABLE orders AS
      SELECT g AS id, 'customer ' || g AS customer_name, 'city' AS city, (g % 100)::numeric AS amount,
             'EUR' AS currency, 'paid' AS status, NULL::text AS note,
             timestamp '2024-01-01' + g * interval '1 minute' AS created_at,
             timestamp '2024-01-01' + g * interval '1 minute' AS updated_at
      FROM generate_series(1, 2000) g;
      ALTER TABLE orders ADD PRIMARY KEY (id);`);
    // Jobs: 4 workers × floor(8 / 4) = 2 connections each; the source check: one more.
    const project = serviceProject(seededDb(10), {
      database: { driver: 'postgres', url: '${DATABASE_URL}', pool: { max_connections: 8 } },
    });
    projects.push(project);
    const svc = await start(project, { DATABASE_URL: postgres.url });
    // Each user has a completed export, so a source wrongly seen down would answer stale 200s.
    for (const who of [ALICE, BOB]) {
      const first = await api(`${svc.url}/exports`, 'POST', who, { full: true });
      expect(first.status, JSON.stringify(first.json)).toBe(202);
      const id = first.json.id as string;
      expect(await waitForJob(svc.url, id, who)).toMatchObject({ status: 'succeeded', rows: 2000 });
    }

    // Watch the connections the service opens (application_name exportctl) during the burst.
    const watcher = new pg.Client({ connectionString: postgres.url });
    watcher.on('error', () => {});
    await watcher.connect();
    let peak = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const r = await watcher.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'exportctl'",
        );
        peak = Math.max(peak, r.rows[0].n as number);
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api(`${svc.url}/exports`, 'POST', i % 2 ? ALICE : BOB, {})),
    ).finally(() => {
      watching = false;
    });
    await watch;
    await watcher.end();
    const statuses: Record<number, number> = {};
    for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    // per_user_per_hour is 20 in dev; each user already used one.
    expect(statuses).toEqual({ 202: 38, 429: 162 });
    expect(answers.some((a) => a.json.stale)).toBe(false);
    const accepted = answers.filter((a) => a.status === 202);
    for (const a of accepted) {
      const who = answers.indexOf(a) % 2 ? ALICE : BOB;
      expect(await waitForJob(svc.url, a.json.id as string, who, 120_000)).toMatchObject({
        status: 'succeeded',
      });
    }
    if (process.env.DEBUG_SVC)
      process.stderr.write(`burst: ${JSON.stringify(statuses)}, peak ${peak} connections\n`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(9);
    const metrics = await svc.metrics.registry.metrics();
    expect(metric(metrics, 'export_failures_total{code="SOURCE_UNAVAILABLE"}')).toBeUndefined();
    expect(metric(metrics, 'export_failures_total{code="RATE_LIMITED"}')).toBe(162);
  }, 240_000);
});
