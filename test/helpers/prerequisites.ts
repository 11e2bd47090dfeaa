/** The programs the suite runs for real, found on PATH up front, with how to get them when missing. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The executable `name` on PATH; else an Error naming it and the package that provides it. */
export function requireExecutable(name: string, provider: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // Not here: try the next directory.
    }
  }
  throw new Error(`${name} is not on PATH: install ${provider}`);
}
