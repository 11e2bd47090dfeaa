/**
 * `exportctl serve` as processes: two on one Redis share the queue (each job once; a
 * SIGKILLed worker's job is finished by the other, byte-identical), SIGHUP with a broken
 * config keeps the running one, SIGTERM mid-job leaves a checkpoint a restart resumes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { runCli } from '../helpers/cli.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';
import {
  ALICE,
  type ServeProcess,
  type ServiceProject,
  api,
  partials,
  seededDb,
  serviceProject,
  sha256File,
  spawnServe,
  waitForJob,
  waitForPartial,
  waitForSidecar,
} from './helpers.js';

const BIG = 250_000;
let redis: RedisServer;
let referenceSha: string;
let referenceBytes: number;
const procs: ServeProcess[] = [];
const projects: ServiceProject[] = [];

beforeAll(async () => {
  ensureBuilt();
  redis = await startRedis();
  // What an uninterrupted export of the big table looks like.
  const p = serviceProject(seededDb(BIG));
  projects.push(p);
  const ref = path.join(p.dir, 'reference.csv');
  const r = runCli(['export', '--env', 'dev', '--full', '--out', ref, '--format', 'json'], { cwd: p.dir });
  expect(r.code, r.stderr).toBe(0);
  referenceSha = sha256File(ref);
  referenceBytes = fs.statSync(ref).size;
}, 120_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await redis?.stop();
  for (const p of projects) p.cleanup();
});

async function serve(project: ServiceProject, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const p = await spawnServe(project.dir, env);
  procs.push(p);
  return p;
}

const REDIS_DEV = { queue: { backend: 'redis', url: '${QUEUE_REDIS_URL}' } };

it('two serve processes on one Redis: ten jobs all finish, each exactly once', async () => {
  const project = serviceProject(seededDb(2000), REDIS_DEV);
  projects.push(project);
  const env = { QUEUE_REDIS_URL: `${redis.url}/1`, EXPORTCTL_QUEUE_LOCK_MS: '3000' };
  const [a, b] = await Promise.all([serve(project, env), serve(project, env)]);
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await api(`${(i % 2 ? a : b).url}/exports`, 'POST', ALICE, { full: true });
    expect(r.status).toBe(202);
    ids.push(r.json.id as string);
  }
  for (const id of ids) {
    // Either process answers for any job: the records live in Redis.
    const job = await waitForJob(a.url, id);
    expect(job).toMatchObject({ status: 'succeeded', rows: 2000, attempts: 1 });
  }
  const finished = (a.logs() + b.logs()).match(/"msg":"export finished","job":"[^"]+"/g) ?? [];
  expect(finished).toHaveLength(10);
  expect(new Set(finished).size).toBe(10);
  const files = fs.readdirSync(project.outDir).filter((f) => f.endsWith('.csv'));
  expect(files).toHaveLength(10);
  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  expect(await a.exited).toBe(0);
  expect(await b.exited).toBe(0);
}, 90_000);

it('kill -9 of the worker mid-job: the other process takes the job over and writes a byte-identical file', async () => {
  const project = serviceProject(seededDb(BIG), REDIS_DEV);
  projects.push(project);
  const env = { QUEUE_REDIS_URL: `${redis.url}/2`, EXPORTCTL_QUEUE_LOCK_MS: '2000' };
  const [a, b] = await Promise.all([serve(project, env), serve(project, env)]);
  const id = (await api(`${a.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
  await waitForPartial(project.outDir, Math.floor(referenceBytes / 2));
  // A checkpoint (sidecar file beside the partial) exists before the kill.
  await waitForSidecar(project.outDir);
  const started = new RegExp(`"msg":"export started","job":"${id}"`);
  const [victim, survivor] = started.test(a.logs()) ? [a, b] : [b, a];
  expect(started.test(victim.logs())).toBe(true);
  victim.child.kill('SIGKILL');
  await victim.exited;
  expect(fs.existsSync(path.join(project.outDir, `orders-export-dev-${id}.csv`))).toBe(false);

  const job = await waitForJob(survivor.url, id, ALICE, 60_000);
  expect(job).toMatchObject({ status: 'succeeded', rows: BIG, attempts: 2, sha256: referenceSha });
  const resumedAt = Number(new RegExp(`taking up job ${id} from row (\\d+)`).exec(survivor.logs())?.[1]);
  expect(resumedAt).toBeGreaterThan(0);
  expect(resumedAt).toBeLessThan(BIG);
  const file = path.join(project.outDir, `orders-export-dev-${id}.csv`);
  expect(sha256File(file)).toBe(referenceSha);
  expect(partials(project.outDir)).toEqual([]);
  survivor.child.kill('SIGTERM');
  expect(await survivor.exited).toBe(0);
}, 90_000);

it('SIGHUP with a broken config keeps serving the old digest; a valid one is taken', async () => {
  const project = serviceProject(seededDb(2000));
  projects.push(project);
  const s = await serve(project);
  const before = (await api(`${s.url}/config`, 'GET', ALICE)).json.digest;
  const good = project.readDev();
  project.writeDev(`${good}\nexport:\n  chunk_size: lots\n`);
  s.child.kill('SIGHUP');
  await s.waitForLog(/config reload rejected/);
  expect((await api(`${s.url}/config`, 'GET', ALICE)).json.digest).toBe(before);
  expect((await api(`${s.url}/healthz`, 'GET')).status).toBe(200);
  const job = (await api(`${s.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
  expect((await waitForJob(s.url, job)).status).toBe('succeeded');

  project.writeDev(good.replace('chunk_size: 500', 'chunk_size: 1500'));
  s.child.kill('SIGHUP');
  await s.waitForLog(/"msg":"config reloaded"/);
  const after = await api(`${s.url}/config`, 'GET', ALICE);
  expect(after.json.digest).not.toBe(before);
  expect(after.json).toMatchObject({ config: { export: { chunk_size: 1500 } } });
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
}, 60_000);

it('SIGTERM mid-job drains to a resumable checkpoint; the restarted service finishes the job byte-identical', async () => {
  const project = serviceProject(seededDb(BIG));
  projects.push(project);
  const s = await serve(project);
  const id = (await api(`${s.url}/exports`, 'POST', ALICE, { full: true })).json.id as string;
  await waitForPartial(project.outDir, Math.floor(referenceBytes / 3));
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  expect(s.logs()).toMatch(/job checkpointed for shutdown/);

  const db = new Database(path.join(project.dir, '.exportctl', 'state.db'), { readonly: true });
  const xjob = JSON.parse(db.prepare('SELECT record FROM jobs WHERE id = ?').pluck().get(id) as string);
  const sjob = JSON.parse(
    db.prepare('SELECT record FROM service_jobs WHERE id = ?').pluck().get(id) as string,
  );
  db.close();
  expect(xjob).toMatchObject({ status: 'failed', errorCode: 'CANCELLED', resumable: true });
  expect(xjob.checkpoint.rows).toBeGreaterThan(0);
  expect(xjob.checkpoint.rows).toBeLessThan(BIG);
  expect(sjob.status).toBe('queued');
  expect(partials(project.outDir)).toHaveLength(1);

  const again = await serve(project);
  const job = await waitForJob(again.url, id, ALICE, 60_000);
  expect(job).toMatchObject({ status: 'succeeded', rows: BIG, attempts: 2, sha256: referenceSha });
  expect(again.logs()).toMatch(new RegExp(`taking up job ${id} from row ${xjob.checkpoint.rows}`));
  again.child.kill('SIGTERM');
  expect(await again.exited).toBe(0);
}, 90_000);
