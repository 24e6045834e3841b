// The agents' uploads as one run on the coordinator's clock: each agent's records mapped by its
// clock alignment, connection ids made unique (agent k's come after agent k-1's), error codes in
// one table, stalls renumbered. Pure, so the merge can be checked without a cluster.
import { decodeRecords } from '../records/file.ts';
import { connectionSpan, mergeRecordSets } from '../records/merge.ts';
import type { AgentFacts } from '../records/agent-facts.ts';
import type { LoadStall, RecordSet } from '../records/records.ts';
import { alignment, alignRecords, bestFix, toCoordinator, type Exchange } from './clock-sync.ts';
import type { ExchangeWire, UploadHeader } from './messages.ts';

export interface AgentUpload {
  task: string;
  host: string;
  header: UploadHeader;
  records: Buffer;
}

export interface MergedAgents {
  records: RecordSet;
  stalls: LoadStall[];
  unsent: number;
  agents: AgentFacts[];
}

const exchangeOf = ([s, c, r]: ExchangeWire): Exchange => ({ sentNs: BigInt(s), coordinatorNs: BigInt(c), receivedNs: BigInt(r) });
const msOf = (ns: bigint) => Number(ns) / 1e6;

export function mergeAgents(uploads: AgentUpload[], coordinatorOriginNs: bigint): MergedAgents {
  const sets: RecordSet[] = [];
  const agents: AgentFacts[] = [];
  const stalls: LoadStall[] = [];
  let conn = 0;
  let thread = 0;
  for (const u of uploads) {
    const h = u.header;
    const a = alignment(bestFix(h.start.map(exchangeOf)), bestFix(h.end.map(exchangeOf)));
    const agentOriginNs = BigInt(h.originNs);
    const set = alignRecords(decodeRecords(u.records), a, agentOriginNs, coordinatorOriginNs);
    const span = connectionSpan(set);
    agents.push({
      agent: h.agent,
      task: u.task,
      host: u.host,
      node: h.node,
      threads: h.threads,
      requests: set.count,
      connections: { from: conn, to: conn + span },
      clock: {
        offsetMs: msOf(a.start.offsetNs),
        errorMs: msOf(a.errorNs),
        roundTripMs: [msOf(a.start.roundTripNs), msOf(a.end.roundTripNs)],
        driftPpm: a.driftPpm,
      },
    });
    for (let k = 0; k + 2 < h.stalls.length; k += 3) {
      const atNs = agentOriginNs + BigInt(Math.round(h.stalls[k + 1] * 1000));
      stalls.push({ thread: thread + h.stalls[k], atUs: Number(toCoordinator(a, atNs) - coordinatorOriginNs) / 1000, lengthUs: h.stalls[k + 2] });
    }
    sets.push(set);
    conn += span;
    thread += h.threads;
  }
  stalls.sort((x, y) => x.atUs - y.atUs);
  return { records: mergeRecordSets(sets), stalls, unsent: uploads.reduce((n, u) => n + u.header.unsent, 0), agents };
}
