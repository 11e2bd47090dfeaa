import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../../src/config/load-document.js';
import { BUILTIN_POLICY_DIR } from '../../src/policy/builtin.js';
import { loadBuiltinPackDocument, SNAPSHOT_FILE, snapshotOf } from '../../src/policy/pack/snapshot.js';

describe('built-in pack snapshot', () => {
  it('gives the same document as the loader, and is ignored once the pack changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exportctl-snap-'));
    try {
      const file = join(dir, 'timeouts.yaml');
      copyFileSync(join(BUILTIN_POLICY_DIR, 'timeouts.yaml'), file);
      mkdirSync(join(dir, 'compiled'));
      writeFileSync(
        join(dir, SNAPSHOT_FILE),
        JSON.stringify({ version: 1, packs: { 'timeouts.yaml': snapshotOf(file) } }),
      );
      const direct = loadDocument(file).doc!;
      const snap = loadBuiltinPackDocument(dir, file).doc!;
      expect(snap.value).toEqual(direct.value);
      expect([...snap.provenance.entries()]).toEqual([...direct.provenance.entries()]);
      expect(snap.provenance.locate('rules[1].checks[2].assert')).toEqual(
        direct.provenance.locate('rules[1].checks[2].assert'),
      );

      writeFileSync(file, readFileSync(file, 'utf8').replace('name: timeouts', 'name: changed'));
      expect((loadBuiltinPackDocument(dir, file).doc!.value as { name: string }).name).toBe('changed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
