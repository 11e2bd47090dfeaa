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
  fs.cpSync(path.join(EXAMPLE, 'exportctl.yaml'), path.join(dir, 'exportctl.yaml'));
  fs.cpSync(path.join(EXAMPLE, 'config'), path.join(dir, 'config'), { recursive: true });
  fs.cpSync(path.join(EXAMPLE, 'compat'), path.join(dir, 'compat'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'policies'));
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
