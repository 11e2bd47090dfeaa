/**
 * drift/redundant-override: values an overlay sets to what the base already says. They
 * change nothing today and hide the next change of the base from that environment.
 */
import { canonicalJson } from '../config/canonical-json.js';
import { isPlainObject } from '../config/compose.js';
import { appendPath, formatPath, parsePath } from '../config/path.js';
import type { EffectiveConfig } from '../config/types.js';
import type { SourceRange } from '../diagnostics/finding.js';
import { type DriftSegment, formatDriftKey, isNamedItemList, resolveDriftKey } from './keys.js';

export interface RedundantOverride {
  env: string;
  /** Drift key (named items by name). */
  key: string;
  segments: DriftSegment[];
  /** Config path in the effective config (else in the base, else in the overlay). */
  path: string;
  /** `restates`: sets the base's value; `deletes-nothing`: `null` for a key the base lacks;
   * `empty-item`: a named item with nothing but its name. */
  kind: 'restates' | 'deletes-nothing' | 'empty-item';
  /** The overlay line. */
  location?: SourceRange;
  /** The overlay file and the entry's path inside it: what `check --fix` removes. */
  overlayFile: string;
  overlayPath: Array<string | number>;
  /** Where the base sets the same value. */
  baseOrigin?: SourceRange;
  /** The value (not redacted: callers redact before showing it). */
  value: unknown;
}

/** Keys of an overlay that say what it is, not what it changes (as in composition). */
const HEADER_KEYS = new Set(['apiVersion', 'kind']);

export function findRedundantOverrides(config: EffectiveConfig): RedundantOverride[] {
  const overlay = config.overlay;
  if (!overlay || !isPlainObject(overlay.value)) return [];
  const out: RedundantOverride[] = [];
  const base = config.base;

  const report = (kind: RedundantOverride['kind'], segs: DriftSegment[], ovPath: string, value: unknown) => {
    const inEffective = resolveDriftKey(config.values, segs);
    const inBase = resolveDriftKey(base.value, segs);
    const o = overlay.provenance.origin(ovPath);
    const container = value !== null && typeof value === 'object';
    out.push({
      env: config.env,
      key: formatDriftKey(segs),
      segments: segs,
      path: inEffective.found
        ? formatPath(inEffective.path)
        : inBase.found
          ? formatPath(inBase.path)
          : ovPath,
      kind,
      location: o ? (container || kind !== 'restates' ? (o.key ?? o.value) : o.value) : undefined,
      baseOrigin: inBase.found ? base.provenance.locate(formatPath(inBase.path)) : undefined,
      overlayFile: overlay.file,
      overlayPath: parsePath(ovPath),
      value,
    });
  };

  const walk = (ov: unknown, baseNode: unknown, segs: DriftSegment[], ovPath: string, top: boolean): void => {
    if (ov === null) {
      if (baseNode === undefined) report('deletes-nothing', segs, ovPath, null);
      return;
    }
    if (isPlainObject(ov) && isPlainObject(baseNode)) {
      for (const [k, v] of Object.entries(ov)) {
        if (top && HEADER_KEYS.has(k)) continue;
        const b = Object.hasOwn(baseNode, k) ? baseNode[k] : undefined;
        walk(v, b, [...segs, k], appendPath(ovPath, k), false);
      }
      return;
    }
    if (isNamedItemList(ov) && isNamedItemList(baseNode)) {
      ov.forEach((item, i) => {
        const b = baseNode.find((x) => x.name === item.name) as Record<string, unknown> | undefined;
        if (!b) return; // a new item
        const itemSegs = [...segs, { name: item.name }];
        const itemPath = appendPath(ovPath, i);
        const fields = Object.keys(item).filter((k) => k !== 'name');
        if (fields.length === 0) {
          report('empty-item', itemSegs, itemPath, item);
          return;
        }
        for (const k of fields) {
          const v = (item as Record<string, unknown>)[k];
          walk(v, Object.hasOwn(b, k) ? b[k] : undefined, [...itemSegs, k], appendPath(itemPath, k), false);
        }
      });
      return;
    }
    if (baseNode !== undefined && canonicalJson(ov) === canonicalJson(baseNode))
      report('restates', segs, ovPath, ov);
  };

  walk(overlay.value, base.value, [], '', true);
  return out;
}
