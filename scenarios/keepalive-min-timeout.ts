import { defineScenario } from '../harness/scenario/define.ts';

// The seed author's "ideal" that he found impossible with nginx: keep keep-alive in normal
// operation, and close connections only around a reload. nginx 1.27.4 made it a directive: for
// keepalive_min_timeout after a response a connection is not idle, so the reload's sweep does not
// close it under the client; its next request is answered with `Connection: close` instead.
// Needs nginx >= 1.27.4: Debian sid's nginx, in the Docker image built here.
export default defineScenario({
  name: 'keepalive-min-timeout',
  description: 'keep-alive on, keepalive_min_timeout 1s (nginx >= 1.27.4, Docker sid image): the fix, in nginx itself',
  driver: 'docker',
  proxy: { keepaliveTimeout: '60s', keepaliveMinTimeout: '1s', image: 'downtime-nginx:sid' },
  // A container switch (docker run, health, three docker execs, docker stop) takes 1.5-2.5 s on
  // a 2-core machine: 3 s between switches instead of the default 2 s.
  load: { durationMs: '35s' },
  // The old workers keep a connection for up to keepalive_min_timeout after the reload; the old
  // colour must outlive that, or what they still proxy finds it gone (502s, measured here).
  switches: { drainMs: '1.5s' },
  expect: { maxFailed: 0, maxBackgroundFailures: 0 },
});
