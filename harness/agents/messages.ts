// What agents and the coordinator say to each other over HTTP (the agent asks, the coordinator
// answers): hello → options, clock exchanges, ready → go (held until every agent is ready),
// progress → stop?, clock exchanges again, then the records (binary) and the facts to merge them.
import type { LoadOptions } from '../load/messages.ts';

export interface Hello {
  /** the scheduler's name for it (Swarm task id, Kubernetes pod), else its hostname */
  task: string;
  host: string;
}

export interface Welcome {
  /** 1-based, in the order agents said hello */
  agent: number;
  agents: number;
  /** the agent's share of the load; `threads` is resolved by the agent for its own cores */
  load: Omit<LoadOptions, 'threads'> & { threads: number | 'auto' };
  /** round trips per clock burst */
  exchanges: number;
}

/** [sent, coordinator, received] ns, as decimal strings */
export type ExchangeWire = [string, string, string];

export interface ReadyBody {
  agent: number;
  exchanges: ExchangeWire[];
}

export type GoAnswer = { go: true } | { go: false; reason: string };

export interface ProgressBody {
  agent: number;
  requests: number;
  failed: number;
}

/** The JSON before the records in an upload (u32le length, JSON, then records.bin's bytes). */
export interface UploadHeader {
  agent: number;
  /** the agent's load origin, ns on its own clock */
  originNs: string;
  start: ExchangeWire[];
  end: ExchangeWire[];
  /** [thread, at µs, length µs] triples: its load threads' stalls, on its own clock */
  stalls: number[];
  unsent: number;
  threads: number;
  node: string;
  /** set when the agent's load ended early or failed: the coordinator fails the run with it */
  error?: string;
}

export interface FailedBody {
  agent: number;
  error: string;
}

export const encodeUpload = (header: UploadHeader, records: Buffer): Buffer => {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return Buffer.concat([len, json, records]);
};

export function decodeUpload(body: Buffer): { header: UploadHeader; records: Buffer } {
  if (body.length < 4) throw new Error(`an upload of ${body.length} bytes`);
  const len = body.readUInt32LE(0);
  if (4 + len > body.length) throw new Error('an upload cut inside its header');
  return { header: JSON.parse(body.subarray(4, 4 + len).toString()) as UploadHeader, records: body.subarray(4 + len) };
}
