import { defineScenario } from '../harness/scenario/define.ts';
import { withMinTimeoutOnSid } from './idle-clients-10ms.ts';

// keepalive_min_timeout shorter than the clients' ~100 ms idle time: the reload's sweep still
// finds most connections idle.
export default defineScenario({
  name: 'idle-clients-10ms-min-50ms',
  description: 'idle-clients-10ms with keepalive_min_timeout 50ms, shorter than the idle time (nginx 1.30, Docker sid image)',
  ...withMinTimeoutOnSid('50ms'),
});
