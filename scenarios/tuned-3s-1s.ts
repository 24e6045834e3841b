import { defineScenario } from '../harness/scenario/define.ts';

// The seed's tuning attempt: shorter keep-alive and a bounded graceful shutdown. It shortens
// the old workers' lives but does not stop them closing connections clients are about to reuse.
export default defineScenario({
  name: 'tuned-3s-1s',
  description: 'keepalive_timeout 3s; worker_shutdown_timeout 1s (the seed\'s tuning)',
  proxy: { keepaliveTimeout: '3s', workerShutdownTimeout: '1s' },
});
