/** A new job: the file it writes and its record in the state store (window, high-water scope). */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunExportOptions } from './job.js';
import { storeValue } from './row.js';
import type { ExporterSettings } from './settings.js';
import type { Source } from './sources/source.js';
import type { JobRecord, StateStore } from './state/store.js';

export interface JobTarget {
  id: string;
  file: string;
}

/** A new job's id and the file it writes (`--out`, or a name in `output.dir`). */
export function targetOf(settings: ExporterSettings, opts: RunExportOptions, id: string): JobTarget {
  const ex = settings.export;
  const ext = ex.output.format === 'csv' ? 'csv' : 'jsonl';
  const file = opts.out
    ? path.resolve(opts.out)
    : path.join(ex.output.dir, `${settings.name}-${opts.env}-${id}.${ext}`);
  return { id, file };
}

export async function createJob(
  store: StateStore,
  settings: ExporterSettings,
  source: Source,
  opts: RunExportOptions,
  target: JobTarget,
  user: string,
  now: number,
): Promise<JobRecord> {
  const ex = settings.export;
  const { id, file } = target;
  const tempFile = path.join(path.dirname(file), `.${path.basename(file)}.${id}.partial`);
  const inc = ex.source.incremental;
  const window: JobRecord['window'] = {};
  if (inc) {
    window.cursor = inc.column;
    window.highWaterScope = `${opts.env}:${createHash('sha256')
      .update(JSON.stringify([ex.source.table ?? null, ex.source.query ?? null, ex.source.key, inc.column]))
      .digest('hex')
      .slice(0, 16)}`;
    if (!opts.full) window.after = await store.getHighWaterMark(window.highWaterScope);
    if (inc.type === 'timestamp') window.upTo = storeValue(await source.clockMinus(inc.lagMs));
  }
  const job: JobRecord = {
    id,
    env: opts.env,
    user,
    status: 'running',
    file,
    tempFile,
    configDigest: settings.configDigest,
    window,
    checkpoint: { rows: 0, bytes: 0, replaced: 0 },
    createdAt: now,
    updatedAt: now,
    resumable: false,
    pid: process.pid,
    host: os.hostname(),
  };
  await store.createJob(job);
  return job;
}
