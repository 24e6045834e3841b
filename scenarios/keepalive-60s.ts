import { defineScenario } from '../harness/scenario/define.ts';

// The seed's starting point and the known-bad reference: keep-alive on both sides, nginx's
// keepalive_timeout 60s. Every reload closes idle keep-alive connections under the clients.
export default defineScenario({
  name: 'keepalive-60s',
  description: 'nginx defaults as the seed had them: keepalive_timeout 60s, client keep-alive on',
  proxy: { keepaliveTimeout: '60s' },
  // The known-bad reference: its gate records the expected failure. Every repeat must lose
  // requests at its reloads (minFailed, worst repeat); a repeat with none means the harness no
  // longer reproduces the seed's problem, and the gate says so. Still no background failures.
  expect: {
    knownBad: 'HTTP/1.1 keep-alive loses requests at every nginx reload (the seed); this gate checks that it still does',
    minFailed: 1,
    maxBackgroundFailures: 0,
  },
});
