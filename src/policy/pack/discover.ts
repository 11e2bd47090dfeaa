/** The pack files named by `policies.paths` (files, or directories searched for *.yaml, *.yml, *.json). */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PACK_EXT = /\.(ya?ml|json)$/i;

export function discoverPackFiles(root: string, paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(root, p);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs);
    } catch {
      continue; // the manifest loader reports missing policy paths (io/read)
    }
    if (st.isDirectory()) out.push(...packFilesIn(abs));
    else out.push(abs);
  }
  return [...new Set(out)];
}

/** Pack files in a directory and its subdirectories, sorted, skipping hidden entries. */
export function packFilesIn(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...packFilesIn(p));
    else if (PACK_EXT.test(e.name)) out.push(p);
  }
  return out;
}
