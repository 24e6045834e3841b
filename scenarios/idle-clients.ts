import { defineScenario } from '../harness/scenario/define.ts';

// Realistic traffic: an open model, 2,000 req/s over 200 keep-alive connections, so each
// connection sits idle ~100 ms between requests (a saturating closed loop never leaves one
// idle). Idle connections are the ones an exiting nginx worker closes at once; whether a request
// crosses that close depends on the round trip, which on loopback is tens of µs.
/** The idle-clients load, shared by its variants. */
export const IDLE_CLIENTS_LOAD = { model: 'open', rate: 2000, connections: 200 } as const;

export default defineScenario({
  name: 'idle-clients',
  description: 'open model, 2,000 req/s over 200 connections idle ~100 ms each, on loopback',
  proxy: { keepaliveTimeout: '60s' },
  load: IDLE_CLIENTS_LOAD,
});
