/**
 * Plain config values → CEL values. CEL distinguishes int from double; JavaScript does
 * not, and cel-js reads every JS number as a double (so `8080 / 2` would be 4040.0 and
 * `[1, 2.5]` would mix). Integers therefore go in as BigInt.
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: toCel(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** A CEL result as text for messages: `5s`, `8080`, `["a", "b"]`. */
export function formatCelValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value)) return `[${value.map(formatNested).join(', ')}]`;
  if (value instanceof Map) {
    return `{${[...value.entries()].map(([k, v]) => `${formatNested(k)}: ${formatNested(v)}`).join(', ')}}`;
  }
  if (value instanceof Uint8Array) return `b"${Buffer.from(value).toString('hex')}"`;
  if (typeof value === 'object') {
    const ctorName = (value as object).constructor?.name;
    if (ctorName && ctorName !== 'Object') return String(value);
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${formatNested(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function formatNested(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : formatCelValue(v);
}
