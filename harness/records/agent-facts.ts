// What a run stores about each load agent (RunMeta.agents): a plain shape, here at the bottom so
// the load, the analysis and the agents all read it without importing each other.

/** What a report says about one agent (RunMeta.agents). */
export interface AgentFacts {
  agent: number;
  task: string;
  host: string;
  node: string;
  threads: number;
  requests: number;
  /** its connection ids in the merged records: [from, to) */
  connections: { from: number; to: number };
  clock: {
    /** the coordinator's clock minus the agent's at the start, ms */
    offsetMs: number;
    /** the bound on its aligned times' error: half the best exchange's round trip, the worse of start and end */
    errorMs: number;
    /** the best (smallest) round trip to the coordinator at the start and at the end, ms */
    roundTripMs: [number, number];
    driftPpm: number;
  };
}
