/**
 * The checkpoint beside the temporary file (`<temp>.checkpoint`). Written while rows keep
 * flowing: data fsync, then this file (write, fsync, rename), all off the job's thread.
 * The state store gets the checkpoint when an attempt stops; a resume takes whichever of
 * the two covers more bytes (both only ever claim bytes that were fsynced).
 */
import * as fs from 'node:fs';
import type { Checkpoint } from './state/store.js';
import { readGuardedText } from '../config/read-file.js';

export function checkpointFilePath(tempFile: string): string {
  return `${tempFile}.checkpoint`;
}

export async function writeCheckpointFile(tempFile: string, cp: Checkpoint): Promise<void> {
  const file = checkpointFilePath(tempFile);
  const tmp = `${file}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(cp));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
}

export function readCheckpointFile(tempFile: string): Checkpoint | undefined {
  try {
    // A sidecar that is not a small regular file (a FIFO, a device) is no checkpoint.
    const read = readGuardedText(checkpointFilePath(tempFile), { kind: 'internal' });
    return read.ok ? (JSON.parse(read.text) as Checkpoint) : undefined;
  } catch {
    return undefined;
  }
}

/** Where a resume starts: the store's checkpoint or the sidecar's, whichever covers more bytes. */
export function resumeCheckpoint(tempFile: string, stored: Checkpoint): Checkpoint {
  const side = readCheckpointFile(tempFile);
  return side && side.bytes > stored.bytes ? side : stored;
}

export function removeCheckpointFile(tempFile: string): void {
  const file = checkpointFilePath(tempFile);
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.tmp`, { force: true });
}
