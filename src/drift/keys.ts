/**
 * Drift keys: config paths that address items of named lists by `name`, never by position
 * (`monitoring.alerts[name=ExportSlow].threshold`), so the same alert is the same row in
 * every environment whatever its index. Map keys are written as `formatPath` writes them.
 */
import { isNamedList, isPlainObject } from '../config/compose.js';
import { appendPath, type PathSegment } from '../config/path.js';

/** A map key, or the item of a named list whose `name` is the given one. */
export type DriftSegment = string | { readonly name: string };
export type DriftKey = readonly DriftSegment[];

const BARE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/@+-]*$/;

export function formatNameSelector(name: string): string {
  return `[name=${BARE_NAME.test(name) && !name.includes(']') ? name : JSON.stringify(name)}]`;
}

export function formatDriftKey(key: DriftKey): string {
  let out = '';
  for (const seg of key)
    out = typeof seg === 'string' ? appendPath(out, seg) : out + formatNameSelector(seg.name);
  return out;
}

/** The last map key of a drift key: what decides whether its value is a secret. */
export function lastMapKey(key: DriftKey): string {
  for (let i = key.length - 1; i >= 0; i--) {
    const seg = key[i];
    if (typeof seg === 'string') return seg;
  }
  return '';
}

/** Whether `value` is a list compared item by item on `name` (docs/reference.md#overlays). */
export function isNamedItemList(value: unknown): value is Array<{ name: string }> {
  return Array.isArray(value) && value.length > 0 && isNamedList(value);
}

/**
 * Follows a drift key through a plain value. Returns the config path (with list indices)
 * of the deepest node reached, that node, and whether the whole key was found.
 */
export function resolveDriftKey(
  root: unknown,
  key: DriftKey,
): { path: PathSegment[]; node: unknown; found: boolean } {
  const path: PathSegment[] = [];
  let node = root;
  for (const seg of key) {
    if (typeof seg === 'string') {
      if (!isPlainObject(node) || !Object.hasOwn(node, seg)) return { path, node, found: false };
      path.push(seg);
      node = node[seg];
    } else {
      if (!Array.isArray(node)) return { path, node, found: false };
      const i = node.findIndex((item) => isPlainObject(item) && item.name === seg.name);
      if (i === -1) return { path, node, found: false };
      path.push(i);
      node = node[i];
    }
  }
  return { path, node, found: true };
}

/**
 * The drift key of a config path (the inverse of `resolveDriftKey`): indices into lists of
 * named items become `{name}`; a path into any other list stops at the list, which drift
 * compares whole.
 */
export function driftKeyOfPath(root: unknown, path: readonly PathSegment[]): DriftKey {
  const key: DriftSegment[] = [];
  let node = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!isNamedItemList(node)) return key;
      key.push({ name: node[seg].name });
      node = node[seg];
    } else {
      key.push(seg);
      node = isPlainObject(node) ? node[seg] : undefined;
    }
  }
  return key;
}
