#!/usr/bin/env node
// Writes docs/rules.md from the rule registry (built-in packs + stage rules), so the rule
// reference is never written by hand. Runs against dist/: `npm run docs:rules`.
// test/policy/docs.test.ts fails when docs/rules.md is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRules } from '../dist/policy/builtin.js';
import { renderRulesMarkdown } from '../dist/policy/docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtin = builtinRules();
if (builtin.findings.length > 0) {
  console.error('the built-in packs have problems:', builtin.findings.map((f) => f.message).join('\n'));
  process.exit(1);
}
writeFileSync(join(root, 'docs', 'rules.md'), renderRulesMarkdown(builtin.registry));
console.log(`docs/rules.md: ${builtin.registry.all().length} rules`);
