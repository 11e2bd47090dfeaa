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

/** A value shown in a message is cut here: a rule's message is not a dump of its data. */
export const MAX_FORMATTED_CHARS = 500;

class Full extends Error {}

/**
 * A CEL result as text for messages: `5s`, `8080`, `["a", "b"]`. At most `maxChars`
 * characters (then `…`): formatting stops there, so a huge or deeply shared value costs no
 * more than its first characters.
 */
export function formatCelValue(value: unknown, maxChars = MAX_FORMATTED_CHARS): string {
  let out = '';
  // Every step returns true so branches can `return put(…)`.
  const put = (s: string): true => {
    out += s;
    if (out.length > maxChars) throw new Full();
    return true;
  };
  const nested = (v: unknown): true => (typeof v === 'string' ? put(JSON.stringify(v)) : top(v));
  const seq = (items: Iterable<unknown>, each: (x: unknown) => void) => {
    let first = true;
    for (const x of items) {
      if (!first) put(', ');
      first = false;
      each(x);
    }
  };
  const top = (v: unknown): true => {
    if (v === null || v === undefined) return put('null');
    if (typeof v === 'string') return put(v.length > maxChars ? v.slice(0, maxChars + 1) : v);
    if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return put(String(v));
    if (Array.isArray(v)) {
      put('[');
      seq(v, nested);
      return put(']');
    }
    if (v instanceof Map) {
      put('{');
      seq(v.entries(), (e) => {
        const [k, x] = e as [unknown, unknown];
        nested(k);
        put(': ');
        nested(x);
      });
      return put('}');
    }
    if (v instanceof Uint8Array) {
      const hex = Buffer.from(v.subarray(0, maxChars)).toString('hex');
      return put(`b"${hex}"`);
    }
    if (typeof v === 'object') {
      const ctorName = (v as object).constructor?.name;
      if (ctorName && ctorName !== 'Object') return put(String(v));
      put('{');
      seq(Object.keys(v), (k) => {
        put(`${k as string}: `);
        nested((v as Record<string, unknown>)[k as string]);
      });
      return put('}');
    }
    return put(String(v));
  };
  try {
    top(value);
    return out;
  } catch (err) {
    if (!(err instanceof Full)) throw err;
    return `${out.slice(0, maxChars)}…`;
  }
}
