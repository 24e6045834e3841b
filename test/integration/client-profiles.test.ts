// Client profiles for real, on one stack (nginx, keep-alive 60 s, reloads): a retrying client
// hides most of a reload's failures by resending them, and says how many it hid; POST traffic,
// never resent, sees them all, as a raw client does.
import { describe, expect, it } from 'vitest';
import { measureScenario } from './helpers.ts';

async function measure(client: string) {
  // 2 s between switches: on a busy machine a shorter spacing leaves too little time to see a switch take effect
  const { run, a } = await measureScenario('keepalive-60s', { duration: '9s', switches: 3, sets: [`load.client=${client}`] });
  expect(a.problems).toEqual([]);
  return { run, a };
}

describe('client profiles on the same stack', () => {
  it('retrying sees fewer failures than raw and counts what it hid; post sees them all and hides none', async () => {
    const raw = await measure('raw');
    const retrying = await measure('retrying');
    const post = await measure('post');
    const t = (m: typeof raw) => m.a.totals;
    const line = `raw ${t(raw).failed}; retrying ${t(retrying).failed} (+${t(retrying).hiddenByRetry} hidden); post ${t(post).failed}`;

    expect(t(raw).failed, line).toBeGreaterThan(0);
    expect(t(raw).hiddenByRetry).toBe(0);
    // The retry resent what failed on a reused connection before any response byte...
    expect(t(retrying).hiddenByRetry, line).toBeGreaterThan(0);
    expect(retrying.run.hiddenFailures!.every((h) => ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(h.code))).toBe(true);
    // ...so users saw fewer failures than a raw client's, and fewer than the wire did.
    expect(t(retrying).failed, line).toBeLessThan(t(raw).failed);
    expect(t(retrying).failed, line).toBeLessThan(t(retrying).hiddenByRetry);
    expect(t(retrying).attemptFailures).toBe(t(retrying).failed + t(retrying).hiddenByRetry);
    // Each hidden attempt belongs to a switch, as a failure would.
    expect(retrying.a.disruptions.reduce((n, d) => n + d.hiddenByRetry, 0)).toBe(t(retrying).hiddenByRetry);

    // POST is never resent: every failure reaches the user, about as many as the raw client's.
    expect(t(post).hiddenByRetry).toBe(0);
    expect(post.run.hiddenFailures).toEqual([]);
    expect(t(post).failed, line).toBeGreaterThan(t(retrying).failed);
    expect(t(post).failed, line).toBeGreaterThanOrEqual(t(raw).failed / 4);
    expect(t(post).failedOnReused).toBe(t(post).failed);
  }, 120_000);
});
