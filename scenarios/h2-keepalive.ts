import { defineScenario } from '../harness/scenario/define.ts';

// HTTP/2 over TLS. An exiting nginx worker sends GOAWAY naming the last stream it will answer;
// a request the client sent after that is refused (REFUSED_STREAM), unprocessed, which the
// protocol makes safe to resend: browsers and Go do, a raw client counts it as failed.
export default defineScenario({
  name: 'h2-keepalive',
  description: 'HTTP/2 over TLS, one request at a time per connection; at a reload nginx sends GOAWAY',
  proxy: { keepaliveTimeout: '60s', tls: true },
  load: { http2: true },
});
