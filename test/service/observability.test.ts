/**
 * What operators and clients are told: the webhook's `export.failed` event (a real local
 * receiver), the metrics listener on its own port, and an incremental run that found nothing
 * new saying so in its job result and log.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, expect, it } from 'vitest';
import { jsonLineLogger } from '../../src/exporter/log.js';
import { type ExportService, startService } from '../../src/service/service.js';
import { ALICE, type ServiceProject, TOKENS, api, seededDb, serviceProject, waitForJob } from './helpers.js';

const ROWS = 3000;
const running: ExportService[] = [];
const projects: ServiceProject[] = [];
let logs = '';

async function start(
  devPatch: Record<string, unknown> = {},
  opts: Partial<Parameters<typeof startService>[0]> = {},
): Promise<ExportService> {
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
  return svc;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.drain()));
});
afterAll(() => {
  for (const p of projects) p.cleanup();
});

it('POSTs export.failed to the webhook with the error code, and no download link', async () => {
  const received: Array<{ path?: string; type?: string; body: Record<string, unknown> }> = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    // max_rows below the table's size: the job fails with ROW_LIMIT_EXCEEDED.
    const svc = await start(
      { export: { limits: { max_rows: 10 } } },
      { processEnv: { EXPORT_WEBHOOK_URL: hook } },
    );
    const id = (await api(`${svc.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
    expect(await waitForJob(svc.url, id)).toMatchObject({
      status: 'failed',
      error: { code: 'ROW_LIMIT_EXCEEDED' },
    });
    const t0 = Date.now();
    while (received.length < 1 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(received).toHaveLength(1);
    expect(received[0].path).toBe('/hook');
    expect(received[0].type).toMatch(/^application\/json/);
    expect(received[0].body).toMatchObject({
      event: 'export.failed',
      id,
      env: 'dev',
      user: 'alice',
      status: 'failed',
      error: { code: 'ROW_LIMIT_EXCEEDED' },
    });
    expect(received[0].body.download).toBeUndefined();
  } finally {
    receiver.close();
  }
});

it('serves metrics on their own port, and only metrics there', async () => {
  const svc = await start({}, { metricsPort: 0 });
  expect(svc.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  const metricsPort = new URL(svc.metricsUrl!).port;
  expect(metricsPort).not.toBe(new URL(svc.url).port);
  const id = (await api(`${svc.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
  await waitForJob(svc.url, id);
  const scrape = await fetch(svc.metricsUrl!);
  expect(scrape.status).toBe(200);
  expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await scrape.text();
  expect(text).toMatch(/^export_jobs_total\{status="succeeded"\} 1$/m);
  expect(text).toMatch(new RegExp(`^export_rows_total ${ROWS}$`, 'm'));
  expect(text).toMatch(/^exportctl_config_reload_failures_total\{reason="lockout"\} 0$/m);
  expect(text).toMatch(/^exportctl_config_reloads_total 0$/m);
  // The API is not reachable through the metrics port.
  const origin = new URL(svc.metricsUrl!).origin;
  for (const p of ['/exports', '/config', '/healthz', `/exports/${id}`]) {
    expect((await fetch(`${origin}${p}`, { headers: ALICE })).status).toBe(404);
  }
});

it('an incremental run that finds nothing new says so, with the mark and how to export everything', async () => {
  const svc = await start();
  const full = (await api(`${svc.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
  const first = await waitForJob(svc.url, full);
  expect(first).toMatchObject({ status: 'succeeded', rows: ROWS });
  expect(first.note).toBeUndefined();
  expect(first.incremental).toBeUndefined();
  const again = (await api(`${svc.url}/exports`, 'POST', ALICE, {})).json.id as string;
  const empty = await waitForJob(svc.url, again);
  expect(empty).toMatchObject({
    status: 'succeeded',
    rows: 0,
    incremental: { column: 'updated_at', after: expect.any(String) },
  });
  expect(empty.note).toMatch(
    /^incremental export: no rows changed after updated_at ".+" \(the previous export's mark\); POST \{"full": true\} to export everything$/,
  );
  expect(logs).toContain(`"msg":${JSON.stringify(empty.note)},"job":"${again}"`);
});
