// The failure-code table is the one place a code is named: docs/FAILURE-CODES.md is what the
// script makes of it, every code the harness's source names is in it, producers write CODE.*,
// the retrying profile resends by its race column, and a code it does not list still reads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resends } from '../../harness/load/client-profiles.ts';
import { CODE, codeInfo, explainCode, FAILURE_CODES, h2ResetCode, isFailingReset } from '../../harness/records/failure-codes.ts';
import { failureCodesMarkdown } from '../../harness/report/failure-codes-page.ts';

const ROOT = join(import.meta.dirname, '../..');
const TABLE_FILE = 'harness/records/failure-codes.ts';
const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mjs|cjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
/** Every source file of the harness but the table itself, with its text. */
const harness = sources('harness')
  .filter((f) => f !== TABLE_FILE)
  .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
/** The families of codes the clients produce: undici's names, llhttp's, HTTP/2 resets, Node's http2, the harness's own, the socket errnos. */
const CODE_LIKE = /(?<!CODE\.)\b(?:UND_ERR_[A-Z_]+|HPE_[A-Z_]+|H2_[A-Z0-9_]+|ERR_HTTP2_[A-Z_]+|CUT_AT_STOP|ECONN[A-Z]+|EPIPE|ETIMEDOUT)\b/g;
const codes = new Set(FAILURE_CODES.map((f) => f.code));

describe('the failure-code table', () => {
  it('lists each code once, and every CODE constant is in it', () => {
    expect(codes.size).toBe(FAILURE_CODES.length);
    for (const code of Object.values(CODE)) expect(codes.has(code), code).toBe(true);
    for (const f of FAILURE_CODES) {
      expect(f.meaning, f.code).toMatch(/^[A-Z].*\.$/);
      expect(f.colour, f.code).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it('keeps the code strings stored runs hold', () => {
    expect(CODE.SOCKET_CLOSED).toBe('UND_ERR_SOCKET');
    expect(CODE.INVALID_RESPONSE).toBe('HPE_INVALID_RESPONSE');
    expect(CODE.CUT_AT_STOP).toBe('CUT_AT_STOP');
    expect(CODE.H2_GOAWAY_SESSION).toBe('ERR_HTTP2_GOAWAY_SESSION');
    expect(h2ResetCode(7)).toBe('H2_REFUSED_STREAM');
    expect(h2ResetCode(99)).toBe('H2_RST_99');
    expect([0, 8].map(isFailingReset)).toEqual([false, false]);
  });

  it('docs/FAILURE-CODES.md is what npm run failure-codes-doc makes of it', () => {
    const committed = readFileSync(join(ROOT, 'docs/FAILURE-CODES.md'), 'utf8');
    expect(committed, 'run npm run failure-codes-doc and commit docs/FAILURE-CODES.md').toBe(failureCodesMarkdown());
    for (const f of FAILURE_CODES) expect(committed).toContain(`| \`${f.code}\` |`);
  });

  it('has every code the harness source names', () => {
    const named = harness.flatMap(({ file, text }) => [...text.matchAll(CODE_LIKE)].map((m) => ({ file, code: m[0] })));
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter(({ code }) => !codes.has(code)).map(({ file, code }) => `${file}: ${code}`)).toEqual([]);
  });

  it('is the only place a code is written as a string: producers write CODE.*', () => {
    // ('unknown' is left out: it is a common word in other strings)
    const named = [...codes].filter((c) => /^[A-Z]/.test(c));
    const literal = new RegExp(`['"\`](?:${named.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})['"\`]`, 'g');
    const found = harness.flatMap(({ file, text }) => [...text.matchAll(literal)].map((m) => `${file}: ${m[0]}`));
    expect(found).toEqual([]);
    const codedWithLiteral = harness.flatMap(({ file, text }) => [...text.matchAll(/\bcoded\([^;]*?,\s*['"`][^)]*\)/g)].map((m) => `${file}: ${m[0]}`));
    expect(codedWithLiteral).toEqual([]);
  });

  it('decides what the retrying profile resends by its race column', () => {
    for (const f of FAILURE_CODES) {
      const attempt = { reused: true, answered: false, code: f.code, resent: false };
      expect(resends(attempt), f.code).toBe(f.race !== null);
      expect(resends({ ...attempt, reused: false }), f.code).toBe(f.race === 'refused');
    }
  });

  it('reads a code it does not list, with a fallback meaning and a stable colour', () => {
    const other = codeInfo('EHOSTUNREACH');
    expect(other).toMatchObject({ known: false, race: null, source: 'errno', meaning: 'A transport error with no complete response.' });
    expect(codeInfo('EHOSTUNREACH').colour).toBe(other.colour);
    expect(codeInfo('HTTP 500')).toMatchObject({ known: false, source: 'http', colour: '#d4a72c' });
    expect(codeInfo('HTTP 404').colour).toBe('#e16f24');
    expect(codeInfo('UND_ERR_SOCKET').known).toBe(true);
    expect(explainCode('UND_ERR_SOCKET')).toContain('At a reload');
    expect(resends({ reused: true, answered: false, code: 'EHOSTUNREACH', resent: false })).toBe(false);
  });
});
