import { defineScenario } from '../harness/scenario/define.ts';

// The seed author's "ideal" done with stock nginx of any version: keep-alive in normal
// operation, and `Connection: close` on every response only around the reload. The switch
// creates a flag file that the location tests (`if (-f …) { add_header Connection close; }`),
// waits 250 ms so every connection that makes a request meanwhile is told to close, reloads,
// and removes the flag 1 s later. A connection idle for longer than the wait is not told, and
// still meets the reload's close; 100 ms was enough on a quiet machine, but a loaded 2-core
// machine stalls the clients themselves for up to ~160 ms, hence 250 ms.
export default defineScenario({
  name: 'close-around-reload',
  description: 'keep-alive on; Connection: close from 250 ms before each reload to 1 s after (any nginx)',
  proxy: { keepaliveTimeout: '60s' },
  switches: { closeAroundReload: { beforeMs: 250, afterMs: 1000 } },
  expect: { maxFailed: 0, maxBackgroundFailures: 0 },
});
