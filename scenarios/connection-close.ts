import { defineScenario } from '../harness/scenario/define.ts';

// The seed's fix: every response tells the client not to reuse the connection. Zero failures,
// at the price of a TCP handshake per request.
export default defineScenario({
  name: 'connection-close',
  description: 'add_header Connection "close" in the location: no reuse, so no request crosses a close',
  proxy: { keepaliveTimeout: '60s', connectionClose: true },
  // The seed's finding as a gate: not one failed request, in any repeat, switch or not.
  expect: { maxFailed: 0, maxBackgroundFailures: 0 },
});
