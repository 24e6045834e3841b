import { defineScenario } from '../harness/scenario/define.ts';
import { IDLE_CLIENTS_LOAD } from './idle-clients.ts';

// keepalive_min_timeout (nginx 1.27.4+) shorter than the clients' ~100 ms idle time: the reload's
// sweep still finds most connections idle. Needs nginx >= 1.27.4: Debian sid's nginx 1.30, in the Docker image built here.
export default defineScenario({
  name: 'idle-clients-10ms-min-50ms',
  description: 'idle-clients-10ms with keepalive_min_timeout 50ms, shorter than the idle time (nginx 1.30, Docker sid image)',
  driver: 'docker',
  proxy: { keepaliveTimeout: '60s', keepaliveMinTimeout: '50ms', image: 'downtime-nginx:sid' },
  // A container switch takes 1.5-2.5 s here: 3 s between switches, as keepalive-min-timeout has.
  load: { ...IDLE_CLIENTS_LOAD, durationMs: '35s' },
  network: { delayMs: 10 },
});
