import { defineScenario } from '../harness/scenario/define.ts';

// The seed author's "ideal" done with stock nginx of any version: keep-alive in normal
// operation, and `Connection: close` on every response only around the reload. The switch
// creates a flag file that the location tests (`if (-f …) { add_header Connection close; }`),
// waits 100 ms so every busy connection is told to close, reloads, and removes the flag 1 s
// later. A connection idle for longer than those 100 ms is not told, and still meets the
// reload's close: this works for busy clients, not for idle ones.
export default defineScenario({
  name: 'close-around-reload',
  description: 'keep-alive on; Connection: close from 100 ms before each reload to 1 s after (any nginx)',
  proxy: { keepaliveTimeout: '60s' },
  switches: { closeAroundReload: { beforeMs: 100, afterMs: 1000 } },
  expect: { maxFailed: 0, maxBackgroundFailures: 0 },
});
