/** Finding the project a path belongs to: the nearest exportctl.yaml upwards. */
import { lstatSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const MANIFEST_NAMES = ['exportctl.yaml', 'exportctl.yml', 'exportctl.json'];

/** Whether a directory entry exists (a dangling link or a link loop does: the reader names it). */
export function entryExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function manifestIn(dir: string): string | undefined {
  for (const name of MANIFEST_NAMES) {
    const p = join(dir, name);
    if (entryExists(p)) return p;
  }
  return undefined;
}

/** The manifest of the project holding `path` (a directory or a file), searching upwards. */
export function findManifest(path: string): string | undefined {
  let dir = resolve(path);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    const found = manifestIn(dir);
    if (found) return found;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
