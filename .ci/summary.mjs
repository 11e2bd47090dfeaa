// Sums vitest JSON reports (one per CI step) into one honest line:
//   "N passed, N failed, N skipped (F of T files failed: a.test.ts, b.test.ts)"
// A file that failed to load has no tests of its own; it still counts as a failed file. A
// step whose report is missing (vitest itself crashed) counts as one failed file.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
let files = 0;
const failedFiles = [];
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    files += 1;
    failedFiles.push(`(no report: ${file})`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  for (const suite of r.testResults) {
    files += 1;
    if (suite.status === 'failed') failedFiles.push(relative(process.cwd(), suite.name));
  }
}
const fileNote = failedFiles.length
  ? ` (${failedFiles.length} of ${files} files failed: ${failedFiles.join(', ')})`
  : ` (${files} files)`;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped${fileNote}`);
