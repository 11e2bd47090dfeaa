/**
 * Bearer tokens: `user:token,user2:token2` in the variables `server.auth.tokens_env` and
 * `admin_tokens_env` name. Tokens are kept only as sha256 digests and looked up by digest,
 * so comparing does not leak a token's prefix through timing.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RunningConfig, ServiceSettings } from './config.js';
import { HttpError } from './http.js';

export interface Principal {
  name: string;
  admin: boolean;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export class TokenAuthenticator {
  readonly #tokens = new Map<string, Principal>();

  constructor(users: string | undefined, admins: string | undefined) {
    for (const [text, admin] of [
      [users, false],
      [admins, true],
    ] as const) {
      for (const entry of (text ?? '').split(',')) {
        const i = entry.indexOf(':');
        if (i <= 0 || i === entry.length - 1) continue;
        const name = entry.slice(0, i).trim();
        const token = entry.slice(i + 1).trim();
        if (name && token) this.#tokens.set(digest(token), { name, admin });
      }
    }
  }

  get size(): number {
    return this.#tokens.size;
  }

  /** Tokens of users (`admin: false`) or of admins. */
  count(admin: boolean): number {
    let n = 0;
    for (const p of this.#tokens.values()) if (p.admin === admin) n++;
    return n;
  }

  /** The principal of an `Authorization` header, or undefined. */
  authenticate(header: string | undefined): Principal | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return m ? this.#tokens.get(digest(m[1])) : undefined;
  }
}

/** Why the config's token variables let nobody in, or undefined. */
export function missingTokens(s: ServiceSettings, auth: TokenAuthenticator): string | undefined {
  if (!(s.tokensEnv || s.adminTokensEnv) || auth.size > 0) return undefined;
  return `no token in ${[s.tokensEnv, s.adminTokensEnv].filter(Boolean).join(' or ')} (expected "user:token,user2:token2")`;
}

/** A reload must not take sign-in away from every user (or every admin) who has it now. */
export function lostSignIn(
  now: TokenAuthenticator,
  next: TokenAuthenticator,
  s: ServiceSettings,
): string | undefined {
  if (!s.tokensEnv && !s.adminTokensEnv) return undefined;
  if (now.count(false) > 0 && next.count(false) === 0)
    return `no user token in ${s.tokensEnv ? `server.auth.tokens_env (${s.tokensEnv})` : 'the new config (server.auth.tokens_env is gone)'}: every user would be locked out`;
  if (now.count(true) > 0 && next.count(true) === 0)
    return `no admin token in ${s.adminTokensEnv ? `server.auth.admin_tokens_env (${s.adminTokensEnv})` : 'the new config (server.auth.admin_tokens_env is gone)'}: every admin would be locked out`;
  return undefined;
}

/** The authenticator of a config: the tokens in the variables it names, read from `env`. */
export function authenticator(config: RunningConfig, env: NodeJS.ProcessEnv): TokenAuthenticator {
  const s = config.service;
  return new TokenAuthenticator(
    s.tokensEnv ? env[s.tokensEnv] : undefined,
    s.adminTokensEnv ? env[s.adminTokensEnv] : undefined,
  );
}

/** Who sent the request: anonymous without `server.auth`, else the bearer token's owner (401 without one). */
export function requirePrincipal(
  s: ServiceSettings,
  auth: TokenAuthenticator,
  req: IncomingMessage,
): Principal {
  if (!s.tokensEnv && !s.adminTokensEnv) return { name: 'anonymous', admin: false };
  const who = auth.authenticate(req.headers.authorization);
  if (!who)
    throw new HttpError(401, 'UNAUTHORIZED', 'a valid bearer token is required', {
      'www-authenticate': 'Bearer realm="exportctl"',
    });
  return who;
}
