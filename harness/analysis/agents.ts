// Per-agent figures of a run whose load came from several agents (harness/agents): each agent's
// records are those on its connections, analysed exactly as the whole run is, so one agent's
// failed count per switch is the same figure as the run's, from its share alone.
import type { AgentFacts } from '../records/agent-facts.ts';
import { COLUMNS, type RecordSet } from '../records/records.ts';
import { analyze } from './analyze.ts';
import type { AgentsAnalysis, AnalysisOptions, Disruption } from './types.ts';

/** The records on connections [from, to): one agent's, from the merged set. */
export function recordsOn(set: RecordSet, from: number, to: number): RecordSet {
  const rows: number[] = [];
  for (let i = 0; i < set.count; i++) if (set.conn[i] >= from && set.conn[i] < to) rows.push(i);
  const out = Object.fromEntries(COLUMNS.map(([name, Type]) => [name, (Type as typeof Float64Array).from(rows, (i) => set[name][i])]));
  return { ...(out as unknown as RecordSet), count: rows.length, errorCodes: set.errorCodes };
}

/**
 * A gap or error window runs from one agent's record to another's: each end is off by at most
 * its agent's alignment error, so the figure by at most the two largest errors together.
 */
export function gapUncertaintyMs(agents: AgentFacts[]): number {
  const errors = agents.map((a) => a.clock.errorMs).sort((a, b) => b - a);
  return (errors[0] ?? 0) + (errors[1] ?? 0);
}

export function analyzeAgents(records: RecordSet, disruptions: Disruption[], opts: AnalysisOptions, agents: AgentFacts[]): AgentsAnalysis {
  return {
    gapUncertaintyMs: gapUncertaintyMs(agents),
    agents: agents.map((facts) => {
      const a = analyze(recordsOn(records, facts.connections.from, facts.connections.to), disruptions, opts);
      return {
        agent: facts.agent,
        task: facts.task,
        host: facts.host,
        requests: a.totals.requests,
        ok: a.totals.ok,
        failed: a.totals.failed,
        backgroundFailures: a.totals.backgroundFailures,
        okPerSecond: a.totals.okPerSecond,
        failedPerDisruption: a.disruptions.map((d) => d.failedRequests),
        latencyMs: { p50: a.latency.overall.p50, p99: a.latency.overall.p99 },
        clock: facts.clock,
      };
    }),
  };
}
