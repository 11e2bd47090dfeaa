/**
 * Bearer tokens: `user:token,user2:token2` in the variables `server.auth.tokens_env` and
 * `admin_tokens_env` name. Tokens are kept only as sha256 digests and looked up by digest,
 * so comparing does not leak a token's prefix through timing.
 */
import { createHash } from 'node:crypto';

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
