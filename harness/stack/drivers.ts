// The drivers a scenario can name (`driver`, or --driver): each starts the same kind of Stack.
import type { Scenario } from '../scenario/schema.ts';
import { startDockerStack } from './docker/docker-stack.ts';
import { startLocalStack } from './local/local-stack.ts';
import type { Stack } from './stack.ts';

const DRIVERS: Record<Scenario['driver'], (scenario: Scenario, log: (line: string) => void) => Promise<Stack>> = {
  local: startLocalStack,
  docker: startDockerStack,
};

export const startStack = (scenario: Scenario, log: (line: string) => void = () => {}): Promise<Stack> =>
  DRIVERS[scenario.driver](scenario, log);
