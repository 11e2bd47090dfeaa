/** Native (TypeScript) rule implementations, by id. Their metadata and fixtures live in packs (`native: true`). */
import type { NativeRuleImpl } from '../rule-evaluation.js';
import { databaseUrl } from './database-url.js';
import { outputPath } from './output-path.js';
import { plaintextSecret } from './plaintext-secret.js';
import { portConflict } from './port-conflict.js';

export const NATIVE_RULES: ReadonlyMap<string, NativeRuleImpl> = new Map(
  [portConflict, outputPath, plaintextSecret, databaseUrl].map((r) => [r.id, r]),
);
