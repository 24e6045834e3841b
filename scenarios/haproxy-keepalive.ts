import { defineScenario } from '../harness/scenario/define.ts';

// The same switch behind HAProxy (master-worker, reloaded by SIGUSR2, as its docs recommend):
// since 2.4 a soft-stopping process closes its idle front connections, the same race as nginx's.
export default defineScenario({
  name: 'haproxy-keepalive',
  description: 'HAProxy instead of nginx, keep-alive on, reload by SIGUSR2 in master-worker mode',
  proxy: { kind: 'haproxy', keepaliveTimeout: '60s' },
});
