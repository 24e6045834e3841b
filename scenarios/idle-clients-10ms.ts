import { defineScenario } from '../harness/scenario/define.ts';
import { IDLE_CLIENTS_LOAD } from './idle-clients.ts';

/**
 * idle-clients-10ms with keepalive_min_timeout (nginx 1.27.4+) set, on Debian sid's nginx 1.30
 * in the Docker image built here: its -min-50ms and -min-1s variants.
 */
export const withMinTimeoutOnSid = (keepaliveMinTimeout: string) =>
  ({
    driver: 'docker',
    proxy: { keepaliveTimeout: '60s', keepaliveMinTimeout, image: 'downtime-nginx:sid' },
    // A container switch takes 1.5-2.5 s here: 3 s between switches, as keepalive-min-timeout has.
    load: { ...IDLE_CLIENTS_LOAD, durationMs: '35s' },
    network: { delayMs: 10 },
  }) as const;

// idle-clients with 10 ms each way between clients and nginx: across regions.
export default defineScenario({
  name: 'idle-clients-10ms',
  description: 'idle-clients with 10 ms added each way (across regions)',
  proxy: { keepaliveTimeout: '60s' },
  load: IDLE_CLIENTS_LOAD,
  network: { delayMs: 10 },
});
