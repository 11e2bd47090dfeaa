/** The schema validator's rule (schema/validate.ts). test/schema covers it; `explain` shows these examples. */
import { type StageRule, stageRule } from '../rules/meta.js';

export const SCHEMA_RULES: readonly StageRule[] = [
  stageRule({
    id: 'schema/invalid',
    severity: 'error',
    configurable: false,
    // An unknown key with one unambiguous correction is renamed by `check --fix`; a bare-number
    // duration is offered as suggestions (ms or s), never applied.
    fixable: 'safe',
    description:
      'A document breaks its JSON Schema: wrong type, unknown key, missing field, bare-number duration.',
    rationale:
      'The schemas are the contract every later stage relies on. A bare number where a duration belongs is refused because `timeout: 30` means 30 ms to one reader and 30 s to another.',
    examples: {
      fail: 'server:\n  port: 8080\n  timeout: 30    # seconds? milliseconds?\n',
      pass: 'server:\n  port: 8080\n  timeout: 30s\n',
    },
  }),
];
