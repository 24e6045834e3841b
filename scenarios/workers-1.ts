import { defineScenario } from '../harness/scenario/define.ts';

// Worker-process sweep, one of the seed's levers: more workers, more connections per reload
// to close, and more CPU taken from the clients on a small machine.
export default defineScenario({
  name: 'workers-1',
  description: 'keepalive-60s with worker_processes 1',
  proxy: { keepaliveTimeout: '60s', workerProcesses: 1 },
});
