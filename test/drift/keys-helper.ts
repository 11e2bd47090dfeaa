import type { DriftKey, DriftSegment } from '../../src/drift/keys.js';
import { parsePattern } from '../../src/drift/pattern.js';

/** A drift key from its text form (literal keys only), for pattern tests. */
export function parseDriftKeyForTest(text: string): DriftKey {
  return parsePattern(text).segments.map((s): DriftSegment => {
    if (s.kind === 'key') return s.key;
    if (s.kind === 'item') return { name: s.name };
    throw new Error(`not a literal key: ${text}`);
  });
}
