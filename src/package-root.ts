/** The installed exportctl package's root (holds schemas/, policies/), from src/, dist/ or a bundle. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function find(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'exportctl') return dir;
      } catch {}
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('exportctl package root not found');
    dir = up;
  }
}

export const PACKAGE_ROOT = find();
