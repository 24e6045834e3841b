import { defineScenario } from '../harness/scenario/define.ts';

// HAProxy's fix (option idle-close-on-response, 2.6, backported to 2.4): a soft-stopping process
// leaves idle connections open and answers their next request with `Connection: close`, so no
// request crosses a close. Added after users behind load balancers saw 502s at reloads.
export default defineScenario({
  name: 'haproxy-idle-close',
  description: 'HAProxy with option idle-close-on-response: keep-alive kept, closed only at a reload',
  proxy: { kind: 'haproxy', keepaliveTimeout: '60s', idleCloseOnResponse: true },
  expect: { maxFailed: 0, maxBackgroundFailures: 0 },
});
