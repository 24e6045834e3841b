// npm run failure-codes-doc: rewrites docs/FAILURE-CODES.md from the failure-code table
// (harness/records/failure-codes.ts). Run it after changing the table; the unit tests fail while
// the committed page differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, print } from '../harness/cli/command-line.ts';
import { exitOnError } from '../harness/cli/exit.ts';
import { helpLines, HELP_FLAG, parserOptions, type Flags } from '../harness/cli/flags.ts';
import { failureCodesMarkdown } from '../harness/report/failure-codes-page.ts';

const FAILURE_CODES_DOC_FLAGS = { ...HELP_FLAG } as const satisfies Flags;

const HELP = `Usage: npm run failure-codes-doc

Rewrites docs/FAILURE-CODES.md from the failure-code table (harness/records/failure-codes.ts),
or says it is up to date. The unit tests fail while the committed page differs.

Options:
${helpLines(FAILURE_CODES_DOC_FLAGS, 14)}`;

const PAGE = fileURLToPath(new URL('../docs/FAILURE-CODES.md', import.meta.url));

function main(): number {
  const { values } = parseCommandLine({ options: parserOptions(FAILURE_CODES_DOC_FLAGS) });
  if (values.help) return print(HELP);
  const text = failureCodesMarkdown();
  let before = '';
  try {
    before = readFileSync(PAGE, 'utf8');
  } catch {
    // a first run writes the page
  }
  if (before === text) return print('docs/FAILURE-CODES.md is up to date');
  writeFileSync(PAGE, text);
  return print('docs/FAILURE-CODES.md rewritten from harness/records/failure-codes.ts');
}

try {
  process.exitCode = main();
} catch (err) {
  exitOnError(err);
}
