/**
 * Where the service keeps its queue, the exporter's state and its own job records: Redis
 * for `queue.backend: redis` (several machines), else an in-process queue over the
 * project's SQLite state file.
 */
import { type Logger, SqliteStateStore, type StateStore, defaultStatePath } from '../exporter/index.js';
import type { RunningConfig } from './config.js';
import type { ServiceJobStore } from './jobs.js';
import { MemoryQueue } from './queue/memory.js';
import type { QueueBackend } from './queue/queue.js';
import { ServiceStartError } from './start-error.js';
import { SqliteServiceJobStore } from './store/sqlite-jobs.js';
import { RedisServiceJobStore, RedisStateStore } from './store/redis.js';

export interface ServiceBackends {
  queue: QueueBackend;
  state: StateStore;
  jobs: ServiceJobStore;
}

/** Opens the backends; an unreachable redis is a start error (exit 4). */
export async function openBackends(
  config: RunningConfig,
  logger: Logger,
  lockDurationMs: number | undefined,
): Promise<ServiceBackends> {
  const s = config.service;
  const onError = (err: unknown, id?: string) =>
    logger.log('error', `queue: ${(err as Error)?.message ?? String(err)}`, { job: id });
  if (s.queue.backend === 'redis') {
    const prefix = `exportctl:${config.exporter.name}:${config.env}`;
    // bullmq and ioredis load only for the redis backend.
    const { BullQueue } = await import('./queue/bullmq.js');
    const bull = new BullQueue({
      url: s.queue.url!,
      prefix,
      lockDurationMs: lockDurationMs ?? 30_000,
      onError,
    });
    try {
      await withTimeout(bull.connection.ping(), 10_000, 'redis did not answer');
    } catch (err) {
      await bull.close().catch(() => {});
      throw new ServiceStartError(
        `queue.url: cannot reach redis: ${(err as Error).message}`,
        [],
        'QUEUE_UNAVAILABLE',
      );
    }
    return {
      queue: bull,
      state: new RedisStateStore(bull.connection, prefix),
      jobs: new RedisServiceJobStore(bull.connection, prefix),
    };
  }
  const file = defaultStatePath(config.projectRoot);
  return {
    queue: new MemoryQueue(onError),
    state: new SqliteStateStore(file),
    jobs: new SqliteServiceJobStore(file, config.env),
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        t = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(t);
  }
}
