// Preloaded (NODE_OPTIONS=--import) into a CLI run by test/adversarial/cel.test.ts: reports
// the process's peak resident memory on stderr as it exits, whatever way it exits.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nRUSAGE ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});
