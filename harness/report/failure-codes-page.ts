// docs/FAILURE-CODES.md, made from the failure-code table (records/failure-codes.ts) by
// `npm run failure-codes-doc`; test/unit/failure-codes.test.ts fails when the committed page differs.
import { codeInfo, FAILURE_CODES, SOURCES, type FailureCode } from '../records/failure-codes.ts';

const RACE_WORDS: Record<NonNullable<FailureCode['race']>, string> = {
  closed: 'closed: resent by `retrying` on a reused connection',
  refused: 'refused: resent by `retrying` on any connection',
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The page, whole. */
export function failureCodesMarkdown(): string {
  const other = codeInfo('E_NOT_IN_THE_TABLE');
  const rows = FAILURE_CODES.map(
    (f) => `| \`${f.code}\` | ${cell(f.note ? `${f.meaning} ${f.note}` : f.meaning)} | ${f.race ? RACE_WORDS[f.race] : '—'} | ${f.source} | \`${f.colour}\` |`,
  );
  return `# Failure codes

<!-- Generated from harness/records/failure-codes.ts by npm run failure-codes-doc: edit the table there, not this page. -->

- [The codes](#the-codes)
- [Where the names come from](#where-the-names-come-from)
- [Codes not in the table](#codes-not-in-the-table)

Every [failed request](GLOSSARY.md#failed-request) is counted under a code: the client's error
code for a request with no complete response (\`transport_error\`), or \`HTTP <status>\` for a
complete response outside \`load.successStatus\` (\`http_error\`). The summary, report.json and
report.html list the failures by code; the charts colour them by code. One table in
\`harness/records/failure-codes.ts\` holds every code the harness names: the load's clients write
their codes from it, the \`retrying\` [client profile](GLOSSARY.md#client-profile) resends by its
race column, and the reports and this page are made from it (\`npm run failure-codes-doc\`
rewrites the page). The codes are what stored runs hold, so none is ever renamed.

The **race** column says whether a code is the keep-alive reload race, and which kind: **closed**,
the connection closed or was reset under a request sent on it (the race of a
[reused connection](GLOSSARY.md#reused-connection)), or **refused**, HTTP/2 refused the request
unprocessed after the server's GOAWAY. How each figure counts them: [MEASUREMENT.md](MEASUREMENT.md).

## The codes

| code | meaning | race | name from | colour |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

## Where the names come from

| name from | what it is |
| --- | --- |
${Object.entries(SOURCES).map(([source, words]) => `| ${source} | ${cell(words)} |`).join('\n')}

## Codes not in the table

A failure with a code the table does not list (any other error Node hands the client: an errno
such as \`EHOSTUNREACH\`, a TLS error such as \`DEPTH_ZERO_SELF_SIGNED_CERT\`) is recorded and
counted under that code as it is. The report explains it as:

> ${other.meaning}

and draws it in one of a few spare colours, the same colour for the same code in every chart.
Another status is counted as \`HTTP <status>\`, explained as:

> ${codeInfo('HTTP 599').meaning}

and drawn \`${codeInfo('HTTP 599').colour}\` for a 5xx status, \`${codeInfo('HTTP 499').colour}\` for any other.
No unlisted code is the reload race, so the \`retrying\` profile never resends it.
`;
}
