import { defineScenario } from '../harness/scenario/define.ts';
import { IDLE_CLIENTS_LOAD } from './idle-clients.ts';

// idle-clients with 10 ms each way between clients and nginx: across regions.
export default defineScenario({
  name: 'idle-clients-10ms',
  description: 'idle-clients with 10 ms added each way (across regions)',
  proxy: { keepaliveTimeout: '60s' },
  load: IDLE_CLIENTS_LOAD,
  network: { delayMs: 10 },
});
