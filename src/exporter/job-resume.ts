/** Which job `--resume` continues, and the refusals when it cannot. */
import * as os from 'node:os';
import { resumeCheckpoint } from './checkpoint-file.js';
import { ExportError } from './errors.js';
import type { ExporterSettings } from './settings.js';
import type { JobRecord, StateStore } from './state/store.js';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function findJobToResume(
  store: StateStore,
  env: string,
  resume: string | true,
  settings: ExporterSettings,
): Promise<JobRecord> {
  const job = resume === true ? await store.newestResumableJob(env) : await store.getJob(resume);
  if (!job) {
    throw new ExportError(
      'CONFIG_INVALID',
      resume === true ? `no unfinished export job of ${env} to resume` : `no export job ${resume}`,
    );
  }
  if (job.env !== env)
    throw new ExportError('CONFIG_INVALID', `job ${job.id} belongs to environment ${job.env}`);
  if (job.status === 'succeeded') throw new ExportError('CONFIG_INVALID', `job ${job.id} already succeeded`);
  if (job.status === 'failed' && !job.resumable) {
    throw new ExportError(
      'CONFIG_INVALID',
      `job ${job.id} failed with ${job.errorCode} and cannot be resumed`,
    );
  }
  if (
    job.status === 'running' &&
    job.host === os.hostname() &&
    job.pid !== process.pid &&
    pidAlive(job.pid)
  ) {
    throw new ExportError('JOB_RUNNING', `job ${job.id} is still running (pid ${job.pid})`);
  }
  job.checkpoint = resumeCheckpoint(job.tempFile, job.checkpoint);
  if (job.configDigest !== settings.configDigest) {
    throw new ExportError(
      'CONFIG_INVALID',
      `the config changed since job ${job.id} started; its output would not match: start a new export`,
    );
  }
  return job;
}
