// The cross-check's shape for the real-client drivers: idle-clients' idle time (~100 ms between a
// connection's requests) at a tenth of its rate, which a Python client's threads keep up with on
// two cores; the harness's load runs the same shape in the other half of each pair.
import type { ClientDriver } from '../driver.ts';

export const SMALL_OPEN_LOAD: ClientDriver['crossCheck'] = {
  scenario: 'idle-clients',
  overrides: [
    { path: 'load.rate', value: 200 },
    { path: 'load.connections', value: 20 },
  ],
};
