/**
 * Distributed mode: the exporter's state store and the service's job records in Redis, so
 * every `serve` process sees every job, checkpoint, high-water mark and rate-limit slot.
 *
 * Exclusion: BullMQ's job lock decides which worker runs a job. On top of it each run
 * *claims* the job (`owner:<id>` = the run's token) and every checkpoint or status write of
 * a run is fenced: a worker whose job was taken over (lock lost, e.g. a long pause) finds
 * another owner, its write is refused and it stops with CANCELLED, so a stale worker can
 * never move a checkpoint backwards or mark a job it no longer owns.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type { Redis } from 'ioredis';
import { ExportError } from '../../exporter/errors.js';
import type {
  Checkpoint,
  HighWaterMark,
  JobRecord,
  JobUpdate,
  RateDecision,
  StateStore,
} from '../../exporter/state/store.js';
import type { ServiceJob, ServiceJobStore, ServiceJobUpdate } from '../jobs.js';

// KEYS[1] job hash, KEYS[2] owner key; ARGV[1] token ('' = unfenced), ARGV[2] field, ARGV[3] value, ARGV[4] updatedAt
const FENCED_HSET = `
local owner = redis.call('GET', KEYS[2])
if ARGV[1] ~= '' and owner and owner ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3], 'updatedAt', ARGV[4])
return 1`;

// KEYS[1] ledger zset; ARGV now, windowMs, limit, member. Atomic: exact under concurrency.
const TAKE_RATE_SLOT = `
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  local r = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  return {0, tonumber(r[2]) + win, n}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], win)
return {1, 0, n + 1}`;

/** A fenced write found another owner: this run must stop; the job goes on elsewhere. */
export class TakenOverError extends ExportError {
  constructor(id: string) {
    super('CANCELLED', `job ${id} was taken over by another worker`, { resumable: true });
  }
}

type JobCore = Omit<JobRecord, 'checkpoint' | 'updatedAt'>;

export class RedisStateStore implements StateStore {
  constructor(
    readonly redis: Redis,
    /** Key prefix, e.g. `exportctl:orders-export:dev`. */
    readonly prefix: string,
    /** The run's claim token; undefined = unfenced (reads, the service itself). */
    readonly token?: string,
  ) {}

  #job(id: string): string {
    return `${this.prefix}:xjob:${id}`;
  }
  #owner(id: string): string {
    return `${this.prefix}:owner:${id}`;
  }

  /** A view of this store whose writes are fenced by `token`. */
  fenced(token: string): RedisStateStore {
    return new RedisStateStore(this.redis, this.prefix, token);
  }

  /** Makes `token` the owner of job `id`: writes of any earlier owner are refused from now on. */
  async claim(id: string, token: string): Promise<void> {
    await this.redis.set(this.#owner(id), token, 'PX', 7 * 24 * 3_600_000);
  }

  async createJob(job: JobRecord): Promise<void> {
    const { checkpoint, updatedAt, ...core } = job;
    await this.redis
      .multi()
      .hset(
        this.#job(job.id),
        'core',
        JSON.stringify(core),
        'checkpoint',
        JSON.stringify(checkpoint),
        'updatedAt',
        String(updatedAt),
      )
      .zadd(`${this.prefix}:xjobs:${job.env}`, job.createdAt, job.id)
      .exec();
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const h = await this.redis.hgetall(this.#job(id));
    if (!h.core) return undefined;
    return {
      ...(JSON.parse(h.core) as JobCore),
      checkpoint: JSON.parse(h.checkpoint) as Checkpoint,
      updatedAt: Number(h.updatedAt),
    };
  }

  async newestResumableJob(env: string): Promise<JobRecord | undefined> {
    const ids = await this.redis.zrevrange(`${this.prefix}:xjobs:${env}`, 0, 999);
    for (const id of ids) {
      const job = await this.getJob(id);
      if (job && (job.status === 'running' || (job.status === 'failed' && job.resumable))) return job;
    }
    return undefined;
  }

  async #fencedSet(id: string, field: string, value: string): Promise<void> {
    const ok = await this.redis.eval(
      FENCED_HSET,
      2,
      this.#job(id),
      this.#owner(id),
      this.token ?? '',
      field,
      value,
      String(Date.now()),
    );
    if (ok !== 1) {
      throw new TakenOverError(id);
    }
  }

  async saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void> {
    await this.#fencedSet(id, 'checkpoint', JSON.stringify(checkpoint));
  }

  async updateJob(id: string, update: JobUpdate): Promise<void> {
    const core = await this.redis.hget(this.#job(id), 'core');
    if (!core) throw new Error(`no job ${id}`);
    await this.#fencedSet(id, 'core', JSON.stringify({ ...(JSON.parse(core) as JobCore), ...update }));
  }

  async getHighWaterMark(scope: string): Promise<HighWaterMark | undefined> {
    const v = await this.redis.get(`${this.prefix}:hwm:${scope}`);
    return v ? (JSON.parse(v) as HighWaterMark) : undefined;
  }

  async setHighWaterMark(scope: string, mark: HighWaterMark): Promise<void> {
    await this.redis.set(`${this.prefix}:hwm:${scope}`, JSON.stringify(mark));
  }

  async takeRateSlot(subject: string, limit: number, windowMs: number, now: number): Promise<RateDecision> {
    const member = `${now}-${Math.random().toString(36).slice(2)}`;
    const [allowed, retryAt, used] = (await this.redis.eval(
      TAKE_RATE_SLOT,
      1,
      `${this.prefix}:rate:${subject}`,
      String(now),
      String(windowMs),
      String(limit),
      member,
    )) as [number, number, number];
    return allowed === 1 ? { allowed: true, used, slot: member } : { allowed: false, retryAt, used };
  }

  async releaseRateSlot(subject: string, slot: string): Promise<void> {
    await this.redis.zrem(`${this.prefix}:rate:${subject}`, slot);
  }

  /** The connection belongs to the service; it closes it. */
  async close(): Promise<void> {}
}

export class RedisServiceJobStore implements ServiceJobStore {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {}

  #key(id: string): string {
    return `${this.prefix}:sjob:${id}`;
  }

  async create(job: ServiceJob): Promise<void> {
    const ok = await this.redis.set(this.#key(job.id), JSON.stringify(job), 'NX');
    if (ok !== 'OK') throw new Error(`service job ${job.id} exists`);
  }

  async get(id: string): Promise<ServiceJob | undefined> {
    const v = await this.redis.get(this.#key(id));
    return v ? (JSON.parse(v) as ServiceJob) : undefined;
  }

  async update(id: string, update: ServiceJobUpdate): Promise<ServiceJob> {
    // Only the worker owning a job (or the request that created it) writes its record.
    const cur = await this.get(id);
    if (!cur) throw new Error(`no service job ${id}`);
    const job = { ...cur, ...update };
    const m = this.redis.multi().set(this.#key(id), JSON.stringify(job));
    if (job.status === 'succeeded' && !job.stale)
      m.zadd(this.#doneKey(job.user), job.finishedAt ?? Date.now(), id);
    await m.exec();
    return job;
  }

  /** BullMQ holds the queue in distributed mode; nothing to take up here. */
  async unfinished(): Promise<ServiceJob[]> {
    return [];
  }

  /** Finished jobs, one sorted set per user (user names are hashed: any character is safe). */
  #doneKey(user: string): string {
    return `${this.prefix}:sjobs:done:${createHash('sha256').update(user).digest('hex').slice(0, 32)}`;
  }

  async newestSucceeded(user: string): Promise<ServiceJob | undefined> {
    const ids = await this.redis.zrevrange(this.#doneKey(user), 0, 19);
    for (const id of ids) {
      const job = await this.get(id);
      if (job?.user === user && job.file && fs.existsSync(job.file)) return job;
    }
    return undefined;
  }

  async close(): Promise<void> {}
}
