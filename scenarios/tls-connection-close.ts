import { defineScenario } from '../harness/scenario/define.ts';

// The seed's fix over TLS: no connection is reused, so none crosses a reload's close, but each
// request now pays a TCP and a TLS handshake (undici resumes TLS sessions, as browsers do).
export default defineScenario({
  name: 'tls-connection-close',
  description: 'HTTP/1.1 over TLS with Connection: close on every response: a TLS handshake per request',
  proxy: { keepaliveTimeout: '60s', tls: true, connectionClose: true },
  expect: { maxFailed: 0, maxBackgroundFailures: 0 },
});
