/** database/url: a `database.url` that cannot be used fails `check`, not the first export. */
import { databaseUrlProblem, staticDatabaseUrl } from '../../config/database-url.js';
import { getAtPath } from '../../config/path.js';
import type { NativeRuleImpl } from '../rule-evaluation.js';

export const databaseUrl: NativeRuleImpl = {
  id: 'database/url',
  evaluate(input) {
    const value = getAtPath(input.config, ['database', 'url']);
    if (typeof value !== 'string') return [];
    const url = staticDatabaseUrl(value);
    if (url === undefined) return [];
    const why = databaseUrlProblem(getAtPath(input.config, ['database', 'driver']), url);
    return why ? [{ path: 'database.url', message: `database.url ${why}` }] : [];
  },
};
