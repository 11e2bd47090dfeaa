/** `<file>.manifest.json`: what a finished export holds, to verify it without the database. */
import { writeFileAtomic } from './output-file.js';
import type { OutputEncoding, OutputFormat } from './settings.js';

export interface ExportManifest {
  version: 1;
  job: string;
  env: string;
  file: string;
  format: OutputFormat;
  encoding: OutputEncoding;
  columns: string[];
  rows: number;
  bytes: number;
  sha256: string;
  replaced: number;
  key: { column: string; first: string | number | null; last: string | number | null };
  cursor: { column: string; min: string | number | null; max: string | number | null } | null;
  configDigest: string;
  startedAt: string;
  finishedAt: string;
}

export function manifestPath(file: string): string {
  return `${file}.manifest.json`;
}

export function writeManifest(file: string, manifest: ExportManifest): string {
  const p = manifestPath(file);
  writeFileAtomic(p, `${JSON.stringify(manifest, null, 2)}\n`);
  return p;
}
