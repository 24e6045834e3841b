import { defineScenario } from '../harness/scenario/define.ts';

// The same switch behind Caddy: `caddy reload` swaps the configuration inside the running
// process, and the old server's Shutdown closes its idle keep-alive connections at once.
export default defineScenario({
  name: 'caddy-keepalive',
  description: 'Caddy instead of nginx, keep-alive on, config reload through its admin API (caddy reload)',
  proxy: { kind: 'caddy', keepaliveTimeout: '60s' },
});
