import { defineScenario } from '../harness/scenario/define.ts';

// idle-clients with 10 ms each way between clients and nginx: across regions.
export default defineScenario({
  name: 'idle-clients-10ms',
  description: 'idle-clients with 10 ms added each way (across regions)',
  proxy: { keepaliveTimeout: '60s' },
  load: { model: 'open', rate: 2000, connections: 200 },
  network: { delayMs: 10 },
});
