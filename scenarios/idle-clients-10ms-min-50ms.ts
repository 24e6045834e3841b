import { defineScenario } from '../harness/scenario/define.ts';
import { IDLE_CLIENTS_LOAD } from './idle-clients.ts';

// keepalive_min_timeout (nginx 1.27.4+) shorter than the clients' ~100 ms idle time: the reload's
// sweep still finds most connections idle. nginx 1.22 rejects the directive (exit 2, its words).
export default defineScenario({
  name: 'idle-clients-10ms-min-50ms',
  description: 'idle-clients-10ms with keepalive_min_timeout 50ms, shorter than the idle time (nginx >= 1.27.4)',
  proxy: { keepaliveTimeout: '60s', extraHttp: ['keepalive_min_timeout 50ms;'] },
  load: IDLE_CLIENTS_LOAD,
  network: { delayMs: 10 },
});
