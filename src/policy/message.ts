/**
 * Rule messages with interpolated values: `"timeout ${probes.liveness.timeout} ≥ period"`.
 * Each `${expr}` is a CEL expression compiled when the pack loads.
 */
import type { BudgetAccount } from './cel/budget.js';
import type { CelEngine, CelError, CelProgram } from './cel/engine.js';
import { literalSecretsIn, maskKnownSecrets, redactSecrets, redactText } from '../config/secrets.js';
import { formatCelValue } from './cel/values.js';

export type MessagePart = string | { program: CelProgram; offset: number };

export interface MessageTemplate {
  text: string;
  parts: MessagePart[];
}

/** Splits `${…}` segments, skipping braces and quotes inside the expression. */
function split(
  text: string,
): Array<string | { expr: string; offset: number }> | { error: string; offset: number } {
  const out: Array<string | { expr: string; offset: number }> = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '$' && text[i + 1] === '{') {
      const start = i + 2;
      let depth = 1;
      let j = start;
      let quote: string | undefined;
      for (; j < text.length; j++) {
        const c = text[j];
        if (quote) {
          if (c === '\\') j++;
          else if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '{') depth++;
        else if (c === '}' && --depth === 0) break;
      }
      if (depth !== 0) return { error: 'unterminated ${ in message', offset: i };
      if (lit) out.push(lit);
      lit = '';
      out.push({ expr: text.slice(start, j), offset: start });
      i = j + 1;
    } else {
      lit += text[i++];
    }
  }
  if (lit) out.push(lit);
  return out;
}

export function compileMessage(
  engine: CelEngine,
  text: string,
): { ok: true; value: MessageTemplate } | { ok: false; error: CelError } {
  const pieces = split(text);
  if (!Array.isArray(pieces)) {
    return {
      ok: false,
      error: { code: 'syntax', message: pieces.error, start: pieces.offset, end: pieces.offset + 2 },
    };
  }
  const parts: MessagePart[] = [];
  for (const p of pieces) {
    if (typeof p === 'string') {
      parts.push(p);
      continue;
    }
    const c = engine.compile(p.expr);
    if (!c.ok) {
      return {
        ok: false,
        error: { ...c.error, start: c.error.start + p.offset, end: c.error.end + p.offset },
      };
    }
    parts.push({ program: c.value, offset: p.offset });
  }
  return { ok: true, value: { text, parts } };
}

/** Renders a message; an expression that fails to evaluate renders as `?` and is reported. */
export function renderMessage(
  t: MessageTemplate,
  activation: Record<string, unknown>,
  onError: (e: CelError) => void,
  account?: BudgetAccount,
): string {
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const r = p.program.evaluate(activation, undefined, account);
    if (r.ok) out += redactedValue(r.value, p.program.source, activation);
    else {
      out += '?';
      onError({ ...r.error, start: r.error.start + p.offset, end: r.error.end + p.offset });
    }
  }
  return out;
}

/**
 * An interpolated value with its secrets masked, judged by the key it was read from
 * (`${server.auth.api_key}`, `${item}` of a map's `password`), as redaction judges config values.
 */
function redactedValue(value: unknown, expr: string, activation: Record<string, unknown>): string {
  let key = /([A-Za-z_][\w-]*)["'\])\s]*$/.exec(expr)?.[1] ?? '';
  if (key === 'item' && typeof activation.index === 'string') key = activation.index;
  const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint';
  const text = redactText(formatCelValue(scalar ? redactSecrets(value, key) : value));
  // An expression can carry a secret out under another shape (`[x.api_token]`, `x.password + ''`):
  // whatever the config holds as a secret is masked wherever it turns up.
  return maskKnownSecrets(text, literalSecretsIn(activation));
}
