/**
 * `maxDuration`: the longest duration a schema node accepts, in milliseconds. JSON Schema
 * cannot add up `1h30m`, so Ajv only declares the keyword and this walk checks it with the
 * one duration parser, beside the values Ajv has validated (a value Ajv rejects, such as a
 * bare number or a wrong pattern, is not looked at here).
 */
import { isPlainObject } from '../config/compose.js';
import { type PathSegment, formatPath } from '../config/path.js';
import { formatDuration, parseDuration } from '../config/units.js';

type SchemaNode = Record<string, unknown>;

export interface DurationOverflow {
  path: PathSegment[];
  message: string;
}

function resolveRef(root: SchemaNode, node: SchemaNode): SchemaNode {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let cur: unknown = root;
  for (const part of ref.slice(2).split('/')) cur = isPlainObject(cur) ? cur[part] : undefined;
  return isPlainObject(cur) ? { ...cur, ...node, $ref: undefined } : node;
}

/** Every duration in `value` longer than its schema's `maxDuration`. */
export function durationOverflows(root: SchemaNode, value: unknown): DurationOverflow[] {
  const out: DurationOverflow[] = [];
  const walk = (rawNode: unknown, v: unknown, path: PathSegment[], depth: number) => {
    if (!isPlainObject(rawNode) || depth > 64) return;
    const node = resolveRef(root, rawNode);
    if (typeof node.maxDuration === 'number' && typeof v === 'string') {
      const ms = parseDuration(v);
      if (ms !== undefined && ms > node.maxDuration) {
        out.push({
          path,
          message: `${formatPath(path)}: ${v} is longer than ${formatDuration(node.maxDuration)}, the longest duration the runtime can wait (${node.maxDuration} ms)`,
        });
      }
    }
    for (const branch of [node.anyOf, node.oneOf, node.allOf]) {
      if (Array.isArray(branch)) for (const b of branch) walk(b, v, path, depth + 1);
    }
    if (isPlainObject(v) && isPlainObject(node.properties)) {
      for (const [k, child] of Object.entries(v)) {
        if (Object.hasOwn(node.properties, k)) walk(node.properties[k], child, [...path, k], depth + 1);
      }
    }
    if (Array.isArray(v) && isPlainObject(node.items)) {
      for (const [i, item] of v.entries()) walk(node.items, item, [...path, i], depth + 1);
    }
  };
  walk(root, value, [], 0);
  return out;
}
