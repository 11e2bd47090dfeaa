/** A temporary copy of examples/orders-export with its own database, for CLI tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { EXAMPLE } from './cli.js';

export interface ExportProject {
  dir: string;
  db: string;
  /** Changes config/base.yaml (a deep patch of plain values). */
  patchBase(patch: (base: Record<string, unknown>) => void): void;
  cleanup(): void;
}

export function exportProject(dbFile: string): ExportProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-proj-'));
  // The whole example (config, policies, requirements…) but its data and run state.
  const skip = new Set(['data', 'exports', '.exportctl']);
  fs.cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => src === EXAMPLE || !skip.has(path.relative(EXAMPLE, src).split(path.sep)[0]),
  });
  fs.mkdirSync(path.join(dir, 'data'));
  const db = path.join(dir, 'data', 'orders.db');
  fs.symlinkSync(dbFile, db);
  const baseFile = path.join(dir, 'config', 'base.yaml');
  return {
    dir,
    db,
    patchBase(patch) {
      const doc = YAML.parseDocument(fs.readFileSync(baseFile, 'utf8'));
      const base = doc.toJS() as Record<string, unknown>;
      patch(base);
      fs.writeFileSync(baseFile, YAML.stringify(base));
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
