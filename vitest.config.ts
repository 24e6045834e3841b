import { defineConfig } from 'vitest/config';

// Two tiers (README, "Tests"): `npm test` runs `fast` (unit tests, and integration tests that need
// only the local stack: nginx, HAProxy, Caddy and fixture processes on this machine);
// `npm run test:engines` runs `engines` (the Docker driver, Swarm agents, the study, the cross-check, real client libraries, the browser).
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Integration tests drive a real nginx at full rate on a 2-core machine: one file at a time,
    // or they would measure each other.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'engines', include: ['test/engines/**/*.test.ts'] } },
    ],
  },
});
