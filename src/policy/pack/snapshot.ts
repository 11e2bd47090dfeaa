/**
 * A build-time snapshot of the built-in packs as the loader returns them (values and
 * provenance), so a cold `check` does not parse eight YAML files. Written by
 * scripts/build-policy-snapshot.mjs (`npm run build`); used only for a pack whose text
 * still has the recorded sha256, so an edited pack is always parsed from its file.
 */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { loadDocument, parseDocumentText } from '../../config/load-document.js';
import { type NodeOrigin, Provenance } from '../../config/provenance.js';
import { readGuardedText } from '../../config/read-file.js';
import type { LoadResult } from '../../config/types.js';
import type { SourceRange } from '../../diagnostics/finding.js';

type Range = Omit<SourceRange, 'file'>;
interface PackSnapshot {
  sha256: string;
  value: unknown;
  origins: Array<[string, { value: Range; key?: Range }]>;
}
export interface PoliciesSnapshot {
  version: 1;
  packs: Record<string, PackSnapshot>;
}

export const SNAPSHOT_FILE = 'compiled/builtin-packs.json';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The snapshot entry of one pack file (for the build script). */
export function snapshotOf(file: string): PackSnapshot | undefined {
  const loaded = loadDocument(file);
  if (!loaded.doc) return undefined;
  const strip = ({ file: _f, ...r }: SourceRange): Range => r;
  const origins: PackSnapshot['origins'] = [];
  for (const [path, o] of loaded.doc.provenance.entries()) {
    origins.push([path, o.key ? { value: strip(o.value), key: strip(o.key) } : { value: strip(o.value) }]);
  }
  return { sha256: sha256(loaded.doc.text), value: loaded.doc.value, origins };
}

const snapshots = new Map<string, PoliciesSnapshot | null>();

function readSnapshot(dir: string): PoliciesSnapshot | null {
  let snapshot = snapshots.get(dir);
  if (snapshot !== undefined) return snapshot;
  try {
    const read = readGuardedText(join(dir, SNAPSHOT_FILE), { kind: 'internal' });
    snapshot = read.ok ? (JSON.parse(read.text) as PoliciesSnapshot) : null;
    if (snapshot?.version !== 1) snapshot = null;
  } catch {
    snapshot = null;
  }
  snapshots.set(dir, snapshot);
  return snapshot;
}

/** A built-in pack: from the snapshot when it matches the file, else through the loader. */
export function loadBuiltinPackDocument(dir: string, file: string): LoadResult {
  const read = readGuardedText(file);
  if (!read.ok) return loadDocument(file);
  const text = read.text;
  const snap = readSnapshot(dir)?.packs[basename(file)];
  if (!snap || snap.sha256 !== sha256(text)) return parseDocumentText(text, file);
  const origins = new Map<string, NodeOrigin>();
  for (const [path, o] of snap.origins) {
    origins.set(
      path,
      o.key ? { value: { file, ...o.value }, key: { file, ...o.key } } : { value: { file, ...o.value } },
    );
  }
  return { doc: { file, value: snap.value, provenance: new Provenance(origins), text }, findings: [] };
}
