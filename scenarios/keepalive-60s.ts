import { defineScenario } from '../harness/scenario/define.ts';

// The seed's starting point and the known-bad reference: keep-alive on both sides, nginx's
// keepalive_timeout 60s. Every reload closes idle keep-alive connections under the clients.
export default defineScenario({
  name: 'keepalive-60s',
  description: 'nginx defaults as the seed had them: keepalive_timeout 60s, client keep-alive on',
  proxy: { keepaliveTimeout: '60s' },
});
