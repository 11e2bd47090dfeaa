/**
 * security/plaintext-secret: a config value holding a literal secret instead of a `${VAR}`
 * reference. What counts as a secret is `literalSecret` (`src/config/secrets.ts`), the same
 * definition redaction uses, so whatever this rule flags every output hides. Messages name the
 * place and the shape, never the secret.
 */
import { appendPath } from '../../config/path.js';
import { literalSecret, type SecretSpan } from '../../config/secrets.js';
import type { NativeRuleImpl, Violation } from '../rule-evaluation.js';

function describe(span: SecretSpan): string {
  const where = span.inDefault ? ' in its ${VAR:-default}' : '';
  switch (span.shape) {
    case 'url-password':
      return `carries a literal password in its URL${where}`;
    case 'parameter':
      return `carries a literal ${span.name?.toLowerCase()} parameter${where}`;
    default:
      return `holds a literal secret${where}`;
  }
}

/** What is wrong with a value at `key`, or undefined. */
export function secretProblem(key: string, value: unknown): string | undefined {
  const span = literalSecret(key, value);
  return span ? describe(span) : undefined;
}

export const plaintextSecret: NativeRuleImpl = {
  id: 'security/plaintext-secret',
  evaluate(input) {
    const out: Violation[] = [];
    const walk = (v: unknown, path: string, key: string) => {
      if (Array.isArray(v)) {
        for (const [i, x] of v.entries()) walk(x, appendPath(path, i), key);
      } else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, appendPath(path, k), k);
      } else {
        const why = secretProblem(key, v);
        if (why)
          out.push({
            path,
            message: `${path} ${why}; reference it as \${VAR} and set the variable at run time`,
          });
      }
    };
    walk(input.config, '', '');
    return out;
  },
};
