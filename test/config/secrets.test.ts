import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../src/config/secrets.js';

describe('redactSecrets', () => {
  it.each([
    ['url', 'postgres://u:hunter2@db/x', 'postgres://u:****@db/x'],
    ['url', '${DATABASE_URL:-postgres://u:hunter2@db/x}', '${DATABASE_URL:-postgres://u:****@db/x}'],
    ['url', 'postgres://u:${DB_PASSWORD}@db/x', 'postgres://u:${DB_PASSWORD}@db/x'],
    ['url', '${DATABASE_URL}', '${DATABASE_URL}'],
    ['url', 'sqlite:data/orders.db', 'sqlite:data/orders.db'],
    ['password', 'hunter2', REDACTED],
    ['api_key', '${API_KEY:-hunter2}', '${API_KEY:-****}'],
    ['api_key', '${API_KEY}', '${API_KEY}'],
    ['tokens_env', 'EXPORTCTL_TOKENS', 'EXPORTCTL_TOKENS'],
  ])('%s: %s', (key, value, expected) => {
    expect(redactSecrets({ [key]: value })).toEqual({ [key]: expected });
  });

  it('walks lists and nested maps without changing the input', () => {
    const input = { a: [{ url: 'https://x:pw@h/' }], b: { token: 't0k' } };
    expect(redactSecrets(input)).toEqual({ a: [{ url: 'https://x:****@h/' }], b: { token: REDACTED } });
    expect(input.b.token).toBe('t0k');
  });
});
