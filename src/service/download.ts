/** `GET /exports/:id/download`: the finished export's file, streamed, with its digest. */
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './http.js';
import { STALE_HEADERS, type ServiceJob } from './jobs.js';

export async function download(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  job: ServiceJob,
): Promise<void> {
  if (job.status !== 'succeeded' || !job.file)
    throw new HttpError(409, 'EXPORT_NOT_FINISHED', `export ${job.id} is ${job.status}`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(job.file);
  } catch {
    throw new HttpError(410, 'GONE', `the file of export ${job.id} is no longer there`);
  }
  const jsonl = job.file.endsWith('.jsonl');
  res.writeHead(200, {
    'content-type': jsonl ? 'application/x-ndjson; charset=utf-8' : 'text/csv',
    'content-length': String(stat.size),
    'content-disposition': `attachment; filename="${path.basename(job.file).replace(/"/g, '')}"`,
    ...(job.sha256 ? { 'x-export-sha256': job.sha256 } : {}),
    ...(job.stale ? STALE_HEADERS : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(fs.createReadStream(job.file), res).catch(() => res.destroy());
}
