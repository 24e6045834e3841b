import { defineScenario } from '../harness/scenario/define.ts';
import { withMinTimeoutOnSid } from './idle-clients-10ms.ts';

// keepalive_min_timeout longer than the clients' ~100 ms idle time: no connection counts as idle
// at the reload, and each one's next request is answered with Connection: close.
export default defineScenario({
  name: 'idle-clients-10ms-min-1s',
  description: 'idle-clients-10ms with keepalive_min_timeout 1s, longer than the idle time (nginx 1.30, Docker sid image)',
  ...withMinTimeoutOnSid('1s'),
});
