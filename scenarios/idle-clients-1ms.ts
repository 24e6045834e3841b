import { defineScenario } from '../harness/scenario/define.ts';
import { IDLE_CLIENTS_LOAD } from './idle-clients.ts';

// idle-clients with 1 ms each way between clients and nginx: the same machine room.
export default defineScenario({
  name: 'idle-clients-1ms',
  description: 'idle-clients with 1 ms added each way (same machine room)',
  proxy: { keepaliveTimeout: '60s' },
  load: IDLE_CLIENTS_LOAD,
  network: { delayMs: 1 },
});
