/**
 * Overlay composition (docs/reference.md#overlays): maps merge deeply; a list whose items all
 * have `name` merges item by item on `name`; any other list is replaced whole; `null` deletes
 * a key.
 * Every effective value keeps the provenance of the file, line and column that set it.
 */
import { setOwn } from './load-document.js';
import { appendPath } from './path.js';
import { Provenance } from './provenance.js';
import type { ConfigValues, EffectiveConfig, EnvironmentSpec, LoadedDocument } from './types.js';

type Plain = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Plain {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True when every item of every given list is a map with a string `name`. */
export function isNamedList(...lists: unknown[][]): boolean {
  return lists.every((l) => l.every((item) => isPlainObject(item) && typeof item.name === 'string'));
}

export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as T;
  if (isPlainObject(v)) {
    const out: Plain = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, deepClone(x));
    return out as T;
  }
  return v;
}

/** Keys of the overlay document that say what it is, not what it changes. */
const DOCUMENT_HEADER_KEYS = new Set(['apiVersion', 'kind']);

export function composeEnvironment(
  base: LoadedDocument,
  overlay: LoadedDocument | undefined,
  env: EnvironmentSpec,
): EffectiveConfig {
  const values: ConfigValues = isPlainObject(base.value) ? deepClone(base.value) : {};
  const provenance = new Provenance();
  provenance.copySubtree(base.provenance, '', '');

  if (overlay && isPlainObject(overlay.value)) {
    for (const [key, ov] of Object.entries(overlay.value)) {
      if (DOCUMENT_HEADER_KEYS.has(key)) continue;
      applyOverlay(values, key, ov, appendPath('', key), appendPath('', key), overlay.provenance, provenance);
    }
  }
  return { env: env.name, protected: env.protected, values, provenance, base, overlay };
}

function applyOverlay(
  target: Plain,
  key: string,
  ov: unknown,
  outPath: string,
  ovPath: string,
  ovProv: Provenance,
  out: Provenance,
): void {
  const cur = Object.hasOwn(target, key) ? target[key] : undefined;
  if (ov === null) {
    delete target[key];
    forget(out, outPath, cur);
    return;
  }
  if (isPlainObject(cur) && isPlainObject(ov)) {
    for (const [k, v] of Object.entries(ov)) {
      applyOverlay(cur, k, v, appendPath(outPath, k), appendPath(ovPath, k), ovProv, out);
    }
    return;
  }
  if (Array.isArray(cur) && Array.isArray(ov) && cur.length > 0 && ov.length > 0 && isNamedList(cur, ov)) {
    ov.forEach((item, i) => {
      const itemOvPath = appendPath(ovPath, i);
      const idx = cur.findIndex((c) => (c as Plain).name === (item as Plain).name);
      if (idx === -1) {
        const at = cur.length;
        cur.push(stripNulls(deepClone(item)));
        copyOrigins(ovProv, itemOvPath, item, out, appendPath(outPath, at), true);
      } else {
        const holder = { item: cur[idx] } as Plain;
        applyOverlay(holder, 'item', item, appendPath(outPath, idx), itemOvPath, ovProv, out);
        cur[idx] = holder.item;
      }
    });
    return;
  }
  setOwn(target, key, stripNulls(deepClone(ov)));
  forget(out, outPath, cur);
  copyOrigins(ovProv, ovPath, ov, out, outPath, true);
}

/*
 * Provenance is kept in step with the values by walking the value replaced or copied, never
 * by scanning every path held: an overlay that replaces 20,000 maps would otherwise cost
 * 20,000 scans of every path (quadratic).
 */

/** Drops the provenance of a replaced value and of everything under it. */
function forget(out: Provenance, path: string, replaced: unknown): void {
  out.delete(path);
  if (Array.isArray(replaced)) {
    for (let i = 0; i < replaced.length; i++) forget(out, appendPath(path, i), replaced[i]);
  } else if (isPlainObject(replaced))
    for (const [k, v] of Object.entries(replaced)) forget(out, appendPath(path, k), v);
}

/**
 * Copies the origin of `value` (at `fromPath` in `from`) and of everything under it to
 * `toPath` in `to`. With `stripped`, map entries that are `null` are skipped, as
 * `stripNulls` drops them from the value (it does not look inside lists).
 */
function copyOrigins(
  from: Provenance,
  fromPath: string,
  value: unknown,
  to: Provenance,
  toPath: string,
  stripped: boolean,
): void {
  const origin = from.origin(fromPath);
  if (origin) to.set(toPath, origin);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      copyOrigins(from, appendPath(fromPath, i), value[i], to, appendPath(toPath, i), false);
    }
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (stripped && v === null) continue;
      copyOrigins(from, appendPath(fromPath, k), v, to, appendPath(toPath, k), stripped);
    }
  }
}

/** A value introduced by an overlay keeps no `null` deletions (there is nothing to delete). */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v;
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else stripNulls(x);
    }
  }
  return v;
}
