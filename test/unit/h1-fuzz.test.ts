// The load's HTTP/1.1 response parser, fuzzed (inputs and checks in h1-fuzz-inputs.ts): valid
// responses mutated by a seeded PRNG and split at random into reads. Whatever arrives, the
// parser throws nothing but ParseError, returns from every read, calls its sink in order,
// never passes on more body bytes than the response framed, reads a response alike however it
// is split, and reads what it accepts as an independent plain decoder does.
// 10^4 inputs by default; FUZZ_INPUTS=100000 for more, FUZZ_SEED for another sequence.
// The inputs run in a worker thread, so that one the parser never returns from is named.
import { describe, expect, it } from 'vitest';
import { startThreadModule } from '../../harness/threads.ts';
import { describeInput, inputs, type Tally } from './h1-fuzz-inputs.ts';

const COUNT = Number(process.env.FUZZ_INPUTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 19);
/** an input the parser is still reading after this long never returns */
const STUCK_MS = 5000;

describe('the HTTP/1.1 response parser, fuzzed', () => {
  it(`takes ${COUNT.toLocaleString('en-US')} mutated, split responses (seed ${SEED}) without a fault`, async () => {
    const progress = new SharedArrayBuffer(4);
    const at = new Int32Array(progress);
    Atomics.store(at, 0, -1);
    const worker = startThreadModule(new URL('./h1-fuzz-inputs.ts', import.meta.url), { h1Fuzz: { seed: SEED, count: COUNT, progress } });
    let watch: NodeJS.Timeout | undefined;
    const result = await new Promise<{ fault: string | null; tally: Tally; ms: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      let last = -2;
      let since = performance.now();
      watch = setInterval(() => {
        const n = Atomics.load(at, 0);
        if (n !== last) [last, since] = [n, performance.now()];
        else if (n >= 0 && performance.now() - since > STUCK_MS) {
          const input = [...inputs(SEED, n + 1)][n];
          reject(new Error(`the parser did not return from ${describeInput(SEED, input)} in ${STUCK_MS} ms`));
        }
      }, 250);
    }).finally(() => {
      clearInterval(watch);
      void worker.terminate();
    });
    if (process.env.FUZZ_INPUTS) console.log(`h1 fuzz: ${COUNT} inputs, seed ${SEED}, ${result.ms.toFixed(0)} ms in the thread: ${JSON.stringify(result.tally)}`);
    expect(result.fault).toBe(null);
    // Both sides are exercised: many inputs read, many refused.
    expect(result.tally.accepted).toBeGreaterThan(COUNT / 10);
    expect(result.tally.refused).toBeGreaterThan(COUNT / 10);
  });
});
