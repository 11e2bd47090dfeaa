/**
 * What of YAML a config can hold. A config is JSON-shaped: maps with string keys, lists,
 * strings, numbers, booleans and null. These helpers say which tags and keys fit, and how a
 * scalar key becomes the config's string key (the name duplicate keys are compared by).
 */
import type { Scalar } from 'yaml';

const CORE = 'tag:yaml.org,2002:';

/** Tags whose values are JSON values: YAML 1.2's core schema, plus `!` (the non-specific tag). */
const HOLDABLE_TAGS = new Set([
  '!',
  ...['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => CORE + t),
]);

/** `tag:yaml.org,2002:binary` → `!!binary`; other tags as written after resolution. */
export function displayTag(tag: string): string {
  return tag.startsWith(CORE) ? `!!${tag.slice(CORE.length)}` : tag;
}

/** Why a node's explicit tag cannot be held by a config, or undefined when it can. */
export function tagRefusal(tag: string | undefined): string | undefined {
  if (tag === undefined || HOLDABLE_TAGS.has(tag)) return undefined;
  return `tag ${displayTag(tag)} is not supported: a config holds only strings, numbers, booleans, null, lists and maps`;
}

/**
 * The config key a scalar key becomes: its resolved value as a string (`1`, `1.0` and `"1"`
 * all become "1"; `~` and `""` both become ""). Keys that differ in YAML but meet here are
 * duplicates in the config.
 */
export function configKeyOf(key: Scalar | null): string {
  if (key === null) return '';
  const v = key.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'bigint') return String(Number(v));
  return String(v);
}
