import { defineScenario } from '../harness/scenario/define.ts';

// HTTPS as most services serve it: HTTP/1.1 keep-alive over TLS. A reload closes idle
// connections exactly as in plain HTTP; TLS only makes a new connection dearer.
export default defineScenario({
  name: 'tls-keepalive',
  description: 'HTTP/1.1 keep-alive over TLS (a certificate generated for 127.0.0.1), keepalive_timeout 60s',
  proxy: { keepaliveTimeout: '60s', tls: true },
});
