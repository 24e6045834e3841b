// The open model's reference for the cross-check: undici Clients, one connection each, each on its
// own timer (programs/undici-clients.mjs), at the idle-clients shape.
import type { ClientDriver } from '../driver.ts';

export const undici: ClientDriver = {
  name: 'undici',
  library: 'undici (the npm package, a dependency of the harness)',
  install: 'npm ci',
  installedBySetup: true,
  program: 'undici-clients.mjs',
  command: async (path) => [process.execPath, path],
  codes: {}, // its codes are undici's, as the failure-code table names them
  crossCheck: { scenario: 'idle-clients' },
};
