import { defineScenario } from '../harness/scenario/define.ts';
import { IDLE_CLIENTS_LOAD } from './idle-clients.ts';

// keepalive_min_timeout (nginx 1.27.4+) longer than the clients' ~100 ms idle time: no connection
// counts as idle at the reload, and each one's next request is answered with Connection: close.
// nginx 1.22 rejects the directive (exit 2, its words).
export default defineScenario({
  name: 'idle-clients-10ms-min-1s',
  description: 'idle-clients-10ms with keepalive_min_timeout 1s, longer than the idle time (nginx >= 1.27.4)',
  proxy: { keepaliveTimeout: '60s', extraHttp: ['keepalive_min_timeout 1s;'] },
  load: IDLE_CLIENTS_LOAD,
  network: { delayMs: 10 },
});
