// Client profiles: which failed attempt a retrying client resends, and what the post profile sends.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POST_BODY, requestOf, resends } from '../../harness/load/client-profiles.ts';
import { parseOverride, resolveScenario } from '../../harness/scenario/resolve.ts';

const attempt = { reused: true, answered: false, code: 'UND_ERR_SOCKET', resent: false };

describe('the retrying client', () => {
  it('resends once what failed on a reused connection before any response byte, as browsers, curl and Go do', () => {
    expect(resends(attempt)).toBe(true);
    for (const code of ['ECONNRESET', 'EPIPE', 'ECONNABORTED']) expect(resends({ ...attempt, code })).toBe(true);
  });

  it('resends an HTTP/2 stream the server refused unprocessed, on a fresh connection too, once', () => {
    const refused = { ...attempt, code: 'H2_REFUSED_STREAM' };
    expect(resends(refused)).toBe(true);
    expect(resends({ ...refused, reused: false })).toBe(true);
    expect(resends({ ...refused, resent: true })).toBe(false);
    expect(resends({ ...refused, code: 'H2_TIMEOUT' })).toBe(false);
  });

  it('never resends on a fresh connection, after a response head, a second time, or after a timeout or refusal', () => {
    expect(resends({ ...attempt, reused: false })).toBe(false);
    expect(resends({ ...attempt, answered: true })).toBe(false);
    expect(resends({ ...attempt, resent: true })).toBe(false);
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'ECONNREFUSED', 'CUT_AT_STOP']) expect(resends({ ...attempt, code })).toBe(false);
  });
});

describe('the post profile', () => {
  const load = { method: 'GET', headers: { 'x-a': '1' } };
  it('sends POST with a small JSON body when the scenario gives none, and the scenario\'s own body otherwise', () => {
    expect(requestOf('post', load)).toEqual({ method: 'POST', headers: { 'x-a': '1', 'content-type': 'application/json' }, body: DEFAULT_POST_BODY });
    expect(requestOf('post', { ...load, body: 'a=1' })).toEqual({ method: 'POST', headers: { 'x-a': '1' }, body: 'a=1' });
    expect(requestOf('raw', load)).toEqual({ method: 'GET', headers: { 'x-a': '1' }, body: undefined });
    expect(requestOf('retrying', { ...load, method: 'PUT' }).method).toBe('PUT');
  });

  it('is a scenario setting; post with another method is refused, naming the field', () => {
    expect(resolveScenario('keepalive-60s', [parseOverride('load.client=retrying')]).load.client).toBe('retrying');
    expect(resolveScenario('keepalive-60s').load.client).toBe('raw');
    expect(() => resolveScenario('keepalive-60s', ['load.client=post', 'load.method=PUT'].map(parseOverride))).toThrow(/load\.client.*post sends POST/s);
    expect(() => resolveScenario('keepalive-60s', [parseOverride('load.client=k6')])).toThrow(/load\.client.*expected one of raw, retrying, post/s);
  });
});
