// npm run failure-codes-doc: rewrites docs/FAILURE-CODES.md from the failure-code table
// (harness/records/failure-codes.ts). Run it after changing the table; the unit tests fail while
// the committed page differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { failureCodesMarkdown } from '../harness/report/failure-codes-page.ts';

const PAGE = fileURLToPath(new URL('../docs/FAILURE-CODES.md', import.meta.url));
const text = failureCodesMarkdown();
let before = '';
try {
  before = readFileSync(PAGE, 'utf8');
} catch {
  // a first run writes the page
}
if (before === text) process.stdout.write('docs/FAILURE-CODES.md is up to date\n');
else {
  writeFileSync(PAGE, text);
  process.stdout.write('docs/FAILURE-CODES.md rewritten from harness/records/failure-codes.ts\n');
}
